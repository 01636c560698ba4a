"""The vendor endpoint's table, built at start-up from the vendor document.

For each operation of ``call-monitor.yaml``, by path: its method, its compiled request checks
(from the same resolved schemas connexion reads, so messages are identical), and its handler
from ``mock_server.handlers.vendor`` by operationId, with the request's account bound.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mock_server.documents.connexion_glue import resolved_document
from mock_server.documents.facts import VENDOR_DOCUMENT, Operation
from mock_server.documents.validation import OperationChecks
from mock_server.handlers import vendor
from mock_server.http.envelope import Answer
from mock_server.http.record import RequestRecord
from mock_server.http.vendor_endpoint import Handler, VendorRoute
from mock_server.model.state import MockState

__all__ = ["vendor_routes"]


def vendor_routes(
    state_of: Callable[[RequestRecord], MockState],
    operations: Mapping[str, Operation],
    *,
    replay_message: str,
    window: int,
) -> dict[str, VendorRoute]:
    """``path -> VendorRoute`` for every vendor operation, each handler called with the state
    of the request's account (``state_of``); a document operation without a handler fails
    here, at start-up."""
    document = resolved_document(VENDOR_DOCUMENT)
    routes: dict[str, VendorRoute] = {}
    for operation in operations.values():
        spec = document["paths"][operation.path][operation.method.lower()]
        handler = vendor.OPERATIONS.get(operation.operation_id)
        if handler is None:
            raise LookupError(f"no handler for the vendor operation {operation.operation_id}")
        routes[operation.path] = VendorRoute(
            method=operation.method,
            operation_id=operation.operation_id,
            checks=OperationChecks.from_document(spec),
            handler=_bound(handler, state_of, replay_message, window),
        )
    return routes


def _bound(
    operation: vendor.VendorOperation,
    state_of: Callable[[RequestRecord], MockState],
    replay_message: str,
    window: int,
) -> Handler:
    async def bound(record: RequestRecord, body: Any, chosen: Answer | None) -> Answer:
        return await operation.handle(
            state_of(record), record, body, chosen, replay_message=replay_message, window=window
        )

    return bound
