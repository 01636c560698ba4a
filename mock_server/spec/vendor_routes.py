"""The fast path's table, built at start-up from the vendor document.

For each operation of ``call-monitor.yaml``: its compiled request checks (from the same
resolved schemas connexion reads, so messages are identical), and its handler from
``mock_server.handlers.vendor`` by operationId, with the state bound.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mock_server.handlers import vendor
from mock_server.http.envelope import Answer
from mock_server.http.record import RequestRecord
from mock_server.http.vendor_dispatch import VendorRoute
from mock_server.model.state import MockState
from mock_server.spec.documents import VENDOR_DOCUMENT, Operation
from mock_server.spec.validation import OperationChecks, resolved_document

__all__ = ["vendor_routes"]


def vendor_routes(
    state_of: Callable[[RequestRecord], MockState], operations: Mapping[str, Operation]
) -> dict[tuple[str, str], VendorRoute]:
    """``(method, path) -> VendorRoute`` for every vendor operation, each handler called with
    the state of the request's account (``state_of``); a document operation without a
    handler fails here, at start-up."""
    document = resolved_document(VENDOR_DOCUMENT)
    routes: dict[tuple[str, str], VendorRoute] = {}
    for operation in operations.values():
        spec = document["paths"][operation.path][operation.method.lower()]
        handler = vendor.OPERATIONS.get(operation.operation_id)
        if handler is None:
            raise LookupError(f"no handler for the vendor operation {operation.operation_id}")
        routes[(operation.method, operation.path)] = VendorRoute(
            operation_id=operation.operation_id,
            checks=OperationChecks.from_document(spec),
            handler=_bound(handler, state_of),
        )
    return routes


def _bound(
    handler: Callable[[MockState, RequestRecord, Any], Any],
    state_of: Callable[[RequestRecord], MockState],
) -> Callable[[RequestRecord, Any], Any]:
    async def bound(record: RequestRecord, body: Any) -> Answer:
        answer: Answer = await handler(state_of(record), record, body)
        return answer

    return bound
