from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.journal_entry_operation_type_1 import JournalEntryOperationType1
from ..models.journal_entry_operation_type_2_type_1 import (
    JournalEntryOperationType2Type1,
)
from ..models.journal_entry_operation_type_3_type_1 import (
    JournalEntryOperationType3Type1,
)
from ..models.named_outcome import NamedOutcome
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.journal_entry_headers import JournalEntryHeaders


T = TypeVar("T", bound="JournalEntry")


@_attrs_define
class JournalEntry:
    """
    Attributes:
        time (datetime.datetime): When the request arrived (UTC). Example: 2026-01-05T08:30:12.345+00:00.
        request_id (str): The request id (`x-request-id`, `requestInfo.requestId`). Example:
            8eef3e90fa7a11eb95011fe29e32d87e.
        method (str): The HTTP method as received. Example: POST.
        path (str): The path as received (percent-decoded, without the query); `*` for `OPTIONS *`. Example:
            /openapi/v1/call/listen.
        status (int | None): The status sent; null when the connection was dropped. Example: 200.
        outcome (NamedOutcome | str): How the request ended, the vocabulary the journal and the mock's access log share
            (`mock_server.model.outcome.Outcome`): one of the named outcomes, or one of three families by status. Example:
            40903.
        app_key (None | str): The app key: the authenticated one, else the `m7-appkey` header as sent (null when there
            was none). Example: 2100147.
        headers (JournalEntryHeaders): The request headers by lower-case name; `m7-sign`, `authorization`, `cookie` and
            `proxy-authorization` redacted.
        body (Any): The body as sent: JSON when it was JSON, else text (cut after 8 KiB); null when there was none or it
            was not read.
        operation (JournalEntryOperationType1 | JournalEntryOperationType2Type1 | JournalEntryOperationType3Type1 |
            None): The vendor operation of the path; null for any other path. Example: listen.
        response_body (Any): The response body as sent: JSON when it was JSON, else text (cut after 8 KiB); null when
            there was none (a dropped connection).
        drift (list[str] | Unset): Only for an answer from the upstream (`--upstream`) or a recording (`--replay`) that
            disagrees with `call-monitor.yaml`: each disagreement in words (an undeclared field, code or status, a type or
            format that differs).
    """

    time: datetime.datetime
    request_id: str
    method: str
    path: str
    status: int | None
    outcome: NamedOutcome | str
    app_key: None | str
    headers: JournalEntryHeaders
    body: Any
    operation: (
        JournalEntryOperationType1
        | JournalEntryOperationType2Type1
        | JournalEntryOperationType3Type1
        | None
    )
    response_body: Any
    drift: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        time = self.time.isoformat()

        request_id = self.request_id

        method = self.method

        path = self.path

        status: int | None
        status = self.status

        outcome: str
        if isinstance(self.outcome, NamedOutcome):
            outcome = self.outcome.value
        else:
            outcome = self.outcome

        app_key: None | str
        app_key = self.app_key

        headers = self.headers.to_dict()

        body = self.body

        operation: None | str
        if (
            isinstance(self.operation, JournalEntryOperationType1)
            or isinstance(self.operation, JournalEntryOperationType2Type1)
            or isinstance(self.operation, JournalEntryOperationType3Type1)
        ):
            operation = self.operation.value
        else:
            operation = self.operation

        response_body = self.response_body

        drift: list[str] | Unset = UNSET
        if not isinstance(self.drift, Unset):
            drift = self.drift

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "time": time,
                "requestId": request_id,
                "method": method,
                "path": path,
                "status": status,
                "outcome": outcome,
                "appKey": app_key,
                "headers": headers,
                "body": body,
                "operation": operation,
                "responseBody": response_body,
            }
        )
        if drift is not UNSET:
            field_dict["drift"] = drift

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.journal_entry_headers import JournalEntryHeaders

        d = dict(src_dict)
        time = datetime.datetime.fromisoformat(d.pop("time"))

        request_id = d.pop("requestId")

        method = d.pop("method")

        path = d.pop("path")

        def _parse_status(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        status = _parse_status(d.pop("status"))

        def _parse_outcome(data: object) -> NamedOutcome | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_outcome_type_0 = NamedOutcome(data)

                return componentsschemas_outcome_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(NamedOutcome | str, data)

        outcome = _parse_outcome(d.pop("outcome"))

        def _parse_app_key(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        app_key = _parse_app_key(d.pop("appKey"))

        headers = JournalEntryHeaders.from_dict(d.pop("headers"))

        body = d.pop("body")

        def _parse_operation(
            data: object,
        ) -> (
            JournalEntryOperationType1
            | JournalEntryOperationType2Type1
            | JournalEntryOperationType3Type1
            | None
        ):
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                operation_type_1 = JournalEntryOperationType1(data)

                return operation_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                operation_type_2_type_1 = JournalEntryOperationType2Type1(data)

                return operation_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                operation_type_3_type_1 = JournalEntryOperationType3Type1(data)

                return operation_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                JournalEntryOperationType1
                | JournalEntryOperationType2Type1
                | JournalEntryOperationType3Type1
                | None,
                data,
            )

        operation = _parse_operation(d.pop("operation"))

        response_body = d.pop("responseBody")

        drift = cast(list[str], d.pop("drift", UNSET))

        journal_entry = cls(
            time=time,
            request_id=request_id,
            method=method,
            path=path,
            status=status,
            outcome=outcome,
            app_key=app_key,
            headers=headers,
            body=body,
            operation=operation,
            response_body=response_body,
            drift=drift,
        )

        journal_entry.additional_properties = d
        return journal_entry

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
