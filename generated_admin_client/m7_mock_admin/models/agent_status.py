from enum import StrEnum


class AgentStatus(StrEnum):
    IDLE = "idle"
    MONITORING = "monitoring"
    OFFLINE = "offline"
    RINGING = "ringing"
    TALKING = "talking"

    def __str__(self) -> str:
        return str(self.value)
