"""Request validation reporting every violation, compiled at start-up.

It takes the place of connexion's ``RequestValidationMiddleware``, which stops at the first
error and rebuilds its validators (a jsonschema validator, a URI parser, ...) on every
request. At start-up ``OperationChecks`` compiles, per operation of the documents, a
jsonschema-rs validator for the JSON body and for each path parameter; on a request it
parses the body with orjson and collects every violation into the ``errors`` of the error
envelope. ``mock_server.documents.connexion_glue`` runs it inside connexion's stack for the
routes connexion serves.
Values the client sent are masked in messages (``… is longer than 40 characters``), so a
64 KiB string is not echoed back.

Besides bodies and path parameters, the query parameters an operation declares (the admin
API's journal filters) are checked, each converted first to its schema's type (a query
string is text); undeclared query parameters are ignored, as OpenAPI has it. The documents
have no header or cookie parameters besides the authentication headers (which
``mock_server.http.auth`` checks).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final
from urllib.parse import parse_qsl

import jsonschema_rs
import orjson
from starlette.exceptions import HTTPException
from starlette.types import Receive

from mock_server.http.body_guard import is_json
from mock_server.http.record import RequestRecord
from mock_server.http.rejections import InvalidRequest, MalformedBody
from mock_server.model.field_error import FieldError

__all__ = [
    "OperationChecks",
    "field_errors",
]

_LONGEST_NAME: Final = 64


def compile_schema(schema: Any) -> jsonschema_rs.Draft4Validator:
    """OpenAPI 3.0 schemas are (nearly) draft 4; ``mask`` keeps client values out of messages."""
    return jsonschema_rs.Draft4Validator(schema, mask="…")


def _short(name: str) -> str:
    return name if len(name) <= _LONGEST_NAME else name[:_LONGEST_NAME] + "…"


def _where(root: str, instance_path: Iterable[str | int]) -> str:
    where = root
    for part in instance_path:
        where += f"[{part}]" if isinstance(part, int) else f".{_short(part)}"
    return where


#: Choices of an enum a refusal names at most.
_MOST_CHOICES: Final = 12


def field_errors(
    errors: Iterable[jsonschema_rs.ValidationError], root: str = "body"
) -> list[FieldError]:
    """One ``FieldError`` per violation; a missing or unknown property is named in the field."""
    found: list[FieldError] = []
    for error in errors:
        where = _where(root, error.instance_path)
        kind = error.kind
        if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
            name = str(kind.property)
            found.append(FieldError(f"{where}.{_short(name)}", f"'{name}' is a required property"))
        elif isinstance(kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties):
            for name in kind.unexpected:
                found.append(FieldError(f"{where}.{_short(name)}", "unknown field (not allowed)"))
        elif isinstance(kind, jsonschema_rs.ValidationErrorKind.Enum):
            # The library's message names two choices and counts the rest: name them all
            # (the few the documents allow), so that a typo's fix is in the message.
            choices = [orjson.dumps(option).decode() for option in kind.options]
            shown = ", ".join(choices[:_MOST_CHOICES])
            more = len(choices) - _MOST_CHOICES
            found.append(
                FieldError(
                    where, f"must be one of {shown}" + (f" and {more} more" if more > 0 else "")
                )
            )
        else:
            found.append(FieldError(where, error.message))
    return found


def _action_id(body: Any) -> str | None:
    """The body's ``actionId`` when it is one the error envelope may carry."""
    if isinstance(body, dict):
        action_id = body.get("actionId")
        if isinstance(action_id, str) and len(action_id) <= 40:
            return action_id
    return None


class OperationChecks:
    """The compiled checks of one operation: its path and query parameters and its JSON
    body."""

    def __init__(
        self,
        *,
        path_params: Iterable[tuple[str, Any]],
        has_body: bool,
        body_required: bool,
        body_schema: Any,
        query_params: Iterable[tuple[str, Any]] = (),
    ) -> None:
        self._params = tuple((name, compile_schema(schema)) for name, schema in path_params)
        self._query = tuple(
            (name, schema.get("type") == "integer", compile_schema(schema))
            for name, schema in query_params
        )
        self._has_body = has_body
        self._body_required = body_required
        self._body = compile_schema(body_schema) if body_schema else None

    @classmethod
    def from_document(cls, operation: Mapping[str, Any]) -> OperationChecks:
        """From an operation of a resolved document (``resolved_document``)."""
        request_body: Mapping[str, Any] = operation.get("requestBody", {})
        media = request_body.get("content", {}).get("application/json", {})
        return cls(
            path_params=(
                (param["name"], param.get("schema", {}))
                for param in operation.get("parameters", ())
                if param.get("in") == "path"
            ),
            has_body=bool(request_body),
            body_required=bool(request_body.get("required", False)),
            body_schema=media.get("schema", {}),
            query_params=(
                (param["name"], param.get("schema", {}))
                for param in operation.get("parameters", ())
                if param.get("in") == "query"
            ),
        )

    @property
    def has_query(self) -> bool:
        return bool(self._query)

    def query(self, query_string: bytes, errors: list[FieldError]) -> dict[str, Any]:
        """The declared query parameters present in ``query_string``, converted and checked
        (the last of a repeated one counts); each violation is added to ``errors``."""
        sent = dict(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True))
        values: dict[str, Any] = {}
        for name, integer, validator in self._query:
            if name not in sent:
                continue
            value: Any = sent[name]
            if integer:
                try:
                    value = int(value)
                except ValueError:
                    errors.append(FieldError(f"query.{name}", "must be an integer"))
                    continue
            if validator.is_valid(value):
                values[name] = value
            else:
                errors.extend(field_errors(validator.iter_errors(value), f"query.{name}"))
        return values

    async def validate(
        self,
        record: RequestRecord,
        path_params: Mapping[str, Any],
        receive: Receive,
        query_string: bytes = b"",
    ) -> Any:
        """The parsed body (``None`` without one); ``InvalidRequest`` listing every
        violation, ``MalformedBody``, or a 415 ``HTTPException``. The checked query
        parameters go to ``record.query``."""
        errors: list[FieldError] = []
        if self._query:
            record.query = self.query(query_string, errors)
        for name, validator in self._params:
            value = path_params.get(name)
            if not validator.is_valid(value):
                errors.extend(field_errors(validator.iter_errors(value), f"path.{name}"))
        body: Any = None
        if self._has_body:
            content_type = record.headers.get("content-type")
            if content_type is not None and not is_json(content_type):  # none: assume JSON
                raise HTTPException(415, "content-type: expected application/json")
            raw = record.body if record.body is not None else await _read(receive)
            body = self.parse(raw)
            if body is None and self._body_required:
                errors.append(FieldError("body", "a JSON body is required"))
            elif body is None and not raw:
                pass  # an optional body left out: nothing to check
            elif self._body is not None and not self._body.is_valid(body):
                errors.extend(field_errors(self._body.iter_errors(body)))
        if errors:
            raise InvalidRequest(errors, _action_id(body))
        return body

    @staticmethod
    def parse(raw: bytes) -> Any:
        """The JSON of a body (``None`` when empty), or ``MalformedBody``."""
        if not raw:
            return None
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise MalformedBody(str(exc)) from None


async def _read(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if message["type"] != "http.request" or not message.get("more_body", False):
            return b"".join(chunks)
