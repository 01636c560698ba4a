"""How connexion calls a handler: directly, with the validated body and path parameters.

connexion's ``AsyncApp`` rebuilds its parameter and response decorators around the handler
on every request (inspecting the function's signature each time), which costs more than
everything else the mock does per request. The handlers here need none of it: their bodies
are validated and parsed by ``ValidationMiddleware`` and they return finished responses. So
the app's operations are replaced by ``HandlerOperation``, which still calls the function
connexion's resolver found for the operationId, with the same arguments connexion would
pass (``body``, and the path parameters, snake_cased when ``pythonic_params`` is set).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, Final

from connexion.middleware.abstract import RoutedAPI
from starlette.responses import Response
from starlette.routing import Router
from starlette.types import Receive, Scope, Send

from mock_server.context import context_of

__all__ = ["HandlerApi", "HandlerOperation", "snake_case"]

_CAMEL_HUMP: Final = re.compile(r"(?<!^)(?=[A-Z])")

Handler = Callable[..., Awaitable[Response]]


def snake_case(name: str) -> str:
    """``hangupChannel`` -> ``hangup_channel``: handler names, pythonic parameter names."""
    return _CAMEL_HUMP.sub("_", name).lower()


class HandlerOperation:
    """Calls one handler and sends the response it returns."""

    def __init__(
        self, function: Handler, *, takes_body: bool, params: tuple[tuple[str, str], ...]
    ) -> None:
        self._function = function
        self._takes_body = takes_body
        self._params = params

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path_params: dict[str, Any] = scope.get("path_params", {})
        kwargs = {argument: path_params[name] for name, argument in self._params}
        if self._takes_body:
            kwargs["body"] = context_of(scope).payload
        response = await self._function(**kwargs)
        await response(scope, receive, send)


class HandlerApi(RoutedAPI[HandlerOperation]):  # type: ignore[misc]
    """Stands in for connexion's ``AsyncApi``: one ``HandlerOperation`` per operation."""

    def __init__(self, *args: Any, pythonic_params: bool = False, **kwargs: Any) -> None:
        kwargs.pop("jsonifier", None)
        super().__init__(*args, **kwargs)
        self.pythonic_params = pythonic_params
        self.router = Router()  # AsyncASGIApp mounts it; requests arrive by operationId
        self.add_paths()

    def make_operation(self, operation: Any) -> HandlerOperation:
        params = tuple(
            (param["name"], self._argument(param["name"]))
            for param in operation.parameters
            if param.get("in") == "path"
        )
        return HandlerOperation(
            operation.function, takes_body=bool(operation.is_request_body_defined), params=params
        )

    def _argument(self, name: str) -> str:
        return snake_case(name) if self.pythonic_params else name
