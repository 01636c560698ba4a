from enum import StrEnum


class ConsoleConfigAuthMode(StrEnum):
    OFF = "off"
    PRESENCE = "presence"
    STRICT = "strict"

    def __str__(self) -> str:
        return str(self.value)
