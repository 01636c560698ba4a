from enum import StrEnum


class CallModeType2Type1(StrEnum):
    BARGE = "barge"
    LISTEN = "listen"
    WHISPER = "whisper"

    def __str__(self) -> str:
        return str(self.value)
