from enum import StrEnum


class ConsoleConfigModeFallback(StrEnum):
    NONE = "none"
    SIMULATE = "simulate"
    UPSTREAM = "upstream"

    def __str__(self) -> str:
        return str(self.value)
