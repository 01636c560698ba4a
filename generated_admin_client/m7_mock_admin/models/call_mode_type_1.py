from enum import StrEnum


class CallModeType1(StrEnum):
    BARGE = "barge"
    LISTEN = "listen"
    WHISPER = "whisper"

    def __str__(self) -> str:
        return str(self.value)
