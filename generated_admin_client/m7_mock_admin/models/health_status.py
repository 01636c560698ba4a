from enum import StrEnum


class HealthStatus(StrEnum):
    READY = "ready"

    def __str__(self) -> str:
        return str(self.value)
