from enum import StrEnum


class OperationFactsTerm(StrEnum):
    强拆 = "强拆"
    强插 = "强插"
    抢接 = "抢接"
    监听 = "监听"
    耳语 = "耳语"

    def __str__(self) -> str:
        return str(self.value)
