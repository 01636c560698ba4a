"""Contains all the data models used in inputs/outputs"""

from .call_result import CallResult
from .call_service_request import CallServiceRequest
from .call_service_response import CallServiceResponse
from .echoed_body import EchoedBody
from .error_envelope import ErrorEnvelope
from .field_error import FieldError
from .hangup_channel_request import HangupChannelRequest
from .listen_request import ListenRequest
from .loot_call_request import LootCallRequest
from .media_info import MediaInfo
from .pickup_channel_request import PickupChannelRequest
from .request_info import RequestInfo
from .request_span import RequestSpan
from .success_envelope import SuccessEnvelope
from .whisper_request import WhisperRequest

__all__ = (
    "CallResult",
    "CallServiceRequest",
    "CallServiceResponse",
    "EchoedBody",
    "ErrorEnvelope",
    "FieldError",
    "HangupChannelRequest",
    "ListenRequest",
    "LootCallRequest",
    "MediaInfo",
    "PickupChannelRequest",
    "RequestInfo",
    "RequestSpan",
    "SuccessEnvelope",
    "WhisperRequest",
)
