from enum import StrEnum


class ConsoleConfigModeKind(StrEnum):
    PROXY = "proxy"
    REPLAY = "replay"
    SIMULATE = "simulate"

    def __str__(self) -> str:
        return str(self.value)
