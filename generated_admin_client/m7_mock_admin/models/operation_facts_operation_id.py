from enum import StrEnum


class OperationFactsOperationId(StrEnum):
    HANGUPCHANNEL = "hangupChannel"
    LISTEN = "listen"
    LOOTCALL = "lootCall"
    PICKUPCHANNEL = "pickupChannel"
    WHISPER = "whisper"

    def __str__(self) -> str:
        return str(self.value)
