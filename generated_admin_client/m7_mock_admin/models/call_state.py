from enum import StrEnum


class CallState(StrEnum):
    RINGING = "ringing"
    TALKING = "talking"

    def __str__(self) -> str:
        return str(self.value)
