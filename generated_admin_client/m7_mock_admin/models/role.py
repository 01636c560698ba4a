from enum import StrEnum


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"

    def __str__(self) -> str:
        return str(self.value)
