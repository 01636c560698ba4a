from enum import StrEnum


class JournalEntryOperationType2Type1(StrEnum):
    HANGUPCHANNEL = "hangupChannel"
    LISTEN = "listen"
    LOOTCALL = "lootCall"
    PICKUPCHANNEL = "pickupChannel"
    WHISPER = "whisper"

    def __str__(self) -> str:
        return str(self.value)
