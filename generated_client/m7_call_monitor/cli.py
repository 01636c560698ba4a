"""The ``m7`` command: sign a request, or perform a supervisor action, from the shell.

Exit status: 0 success, 1 the API refused or failed, 2 usage or configuration error,
3 no response (connection failure or timeout).

The secret key comes from ``M7_SECRET_KEY`` or ``--secret-key-file``, never from an
option's value: command lines end up in shell history and process lists.

Each action's options beyond ``--supervisor``, ``--agent`` and ``--action-id`` come from
the generated request model, so a field the document adds (``silentMode``) is an option
(``--silent-mode``) as soon as ``make generate`` has run. A reader that goes away early
(``m7 listen ... | head -1``) ends the command quietly with the status of the API call.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import math
import os
import shlex
import sys
import time
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import Any, TextIO

import httpx

from m7_openapi.models import SuccessEnvelope

from ._client import DEFAULT_RETRIES, DEFAULT_TIMEOUT, CallMonitor
from ._config import APP_KEY_ENV, BASE_URL_ENV, SECRET_KEY_ENV, load_credentials, load_settings
from ._errors import ConfigError, M7Error, TransportError
from ._operations import OPERATIONS, Field, find_operation
from ._version import VERSION
from .signing import is_valid_timestamp, signed_headers

__all__ = ["main"]

EXIT_OK, EXIT_API, EXIT_USAGE, EXIT_TRANSPORT = 0, 1, 2, 3

_EPILOG = f"""\
settings: {BASE_URL_ENV}, {APP_KEY_ENV} and {SECRET_KEY_ENV} are read from the
environment; --base-url and --app-key override them. Keep the secret key in
{SECRET_KEY_ENV} or in a file (--secret-key-file), never on the command line.

exit status: 0 success, 1 API error, 2 usage or configuration error, 3 no response.
"""


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, got {text}")
    return value


_TRUE, _FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


def _boolean(text: str) -> bool:
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")


def _json_value(kind: Any) -> Callable[[str], Any]:
    def convert(text: str) -> Any:
        try:
            value = json.loads(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(f"not JSON: {error}") from None
        from_dict = getattr(kind, "from_dict", None)
        return from_dict(value) if from_dict is not None and isinstance(value, dict) else value

    return convert


def _add_field_option(parser: argparse.ArgumentParser, field: Field) -> None:
    """One option for one field of the generated request model: ``--silent-mode true``."""
    kind = field.type
    options: dict[str, Any] = {"dest": f"field_{field.name}", "required": field.required}
    if kind is bool:
        options.update(type=_boolean, metavar="true|false")
    elif kind in (int, float, str):
        options.update(type=kind, metavar=kind.__name__.upper())
    elif isinstance(kind, type) and issubclass(kind, Enum):
        options.update(type=kind, choices=list(kind), metavar="|".join(str(m.value) for m in kind))
    else:
        options.update(type=_json_value(kind), metavar="JSON")
    parser.add_argument(
        f"--{field.name.replace('_', '-')}",
        help=f"the document's field {field.name} ({getattr(kind, '__name__', kind)})",
        **options,
    )


def _connection_options() -> argparse.ArgumentParser:
    """Options accepted before and after the sub-command (SUPPRESS keeps either from
    overwriting the other)."""
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("connection")
    group.add_argument(
        "--base-url", default=argparse.SUPPRESS, help=f"API root (env {BASE_URL_ENV})"
    )
    group.add_argument("--app-key", default=argparse.SUPPRESS, help=f"app key (env {APP_KEY_ENV})")
    group.add_argument(
        "--secret-key-file",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="PATH",
        help=f"read the secret key from this file, '-' for stdin (else env {SECRET_KEY_ENV})",
    )
    group.add_argument(
        "--timeout", type=_positive_float, default=argparse.SUPPRESS, help="seconds (default 10)"
    )
    group.add_argument(
        "--retries",
        type=_count,
        default=argparse.SUPPRESS,
        help="extra attempts when the server surely did not act (default 2)",
    )
    group.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="log requests"
    )
    return parent


def _parser() -> argparse.ArgumentParser:
    common = _connection_options()
    parser = argparse.ArgumentParser(
        prog="m7",
        description="Supervisor actions on live calls through the 7moor V7 OpenAPI.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {VERSION}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sign = commands.add_parser(
        "sign",
        parents=[common],
        help="print the four m7-* headers for a request sent now",
        description=(
            "Print the m7-appkey, m7-nonce, m7-timestamp and m7-sign headers for one "
            "request sent within the next 300 s. With --curl, print a ready-to-paste curl "
            "command instead (it carries the headers, never the secret key)."
        ),
    )
    sign.add_argument("--curl", action="store_true", help="print a curl command")
    sign.add_argument("--json", action="store_true", help="print the headers as a JSON object")
    sign.add_argument(
        "--operation",
        metavar="NAME",
        help="for --curl: " + ", ".join(f"{o.name}/{o.vendor}" for o in OPERATIONS),
    )
    sign.add_argument("--body", metavar="JSON", help="for --curl: the request body")
    sign.add_argument(
        "--at",
        metavar="EPOCH_SECONDS",
        type=_epoch_seconds,
        help=(
            "sign as of this time instead of now: for a server whose clock is not the real "
            "time (the mock's clock, frozen or moved: GET /__mock/clock gives its now)"
        ),
    )

    for operation in OPERATIONS:
        aliases = [operation.vendor] if operation.vendor != operation.name else []
        sub = commands.add_parser(
            operation.name,
            aliases=aliases,
            parents=[common],
            help=f"{operation.chinese} {operation.vendor}: {operation.summary}",
            description=(
                f"{operation.chinese} (vendor {operation.vendor}): {operation.summary}. "
                "Prints the response envelope as JSON."
            ),
        )
        sub.set_defaults(operation=operation.name)
        sub.add_argument(
            "--supervisor",
            required=True,
            help=f"the supervisor's agent number ({operation.supervisor_json})",
        )
        sub.add_argument("--agent", required=True, help="the agent's number (agentNumber)")
        sub.add_argument("--action-id", help="a label echoed in the response (actionId)")
        for field in operation.extra_fields:
            _add_field_option(sub, field)
    return parser


def _epoch_seconds(text: str) -> float:
    """``--at``: a time whose whole seconds make a ten-digit ``m7-timestamp``."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or not is_valid_timestamp(str(int(value))):
        raise argparse.ArgumentTypeError(
            f"{text} is not a Unix time with a ten-digit m7-timestamp (1000000000 to 9999999999)"
        )
    return value


def _secret(args: argparse.Namespace) -> str | None:
    path: Path | None = getattr(args, "secret_key_file", None)
    if path is None:
        return None
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"--secret-key-file: cannot read {path}: {error.strerror}") from None
    return text.strip()


def _sign(args: argparse.Namespace) -> int:
    secret = _secret(args)
    if not args.curl and (args.operation is not None or args.body is not None):
        raise ConfigError("--operation and --body go with --curl")
    if args.curl and args.json:
        raise ConfigError("--json and --curl: choose one")
    clock = (lambda: args.at) if args.at is not None else time.time
    if not args.curl:
        credentials = load_credentials(getattr(args, "app_key", None), secret)
        headers = signed_headers(credentials.app_key, credentials.secret_key, clock=clock)
        if args.json:
            _emit(json.dumps(dict(headers), indent=2))
        else:
            _emit("\n".join(f"{name}: {value}" for name, value in headers.items()))
        return EXIT_OK
    if args.operation is None or args.body is None:
        raise ConfigError("m7 sign --curl needs --operation and --body")
    try:
        operation = find_operation(args.operation)
    except KeyError as error:
        raise ConfigError(str(error.args[0])) from None
    try:
        body = json.loads(args.body)
    except ValueError as error:
        raise ConfigError(f"--body is not JSON: {error}") from None
    settings = load_settings(
        getattr(args, "base_url", None), getattr(args, "app_key", None), secret
    )
    credentials = settings.credentials
    headers = {
        "content-type": "application/json",
        **signed_headers(credentials.app_key, credentials.secret_key, clock=clock),
    }
    lines = [f"curl -sS -X POST {shlex.quote(settings.base_url + operation.path)}"]
    lines += [f"  -H {shlex.quote(f'{name}: {value}')}" for name, value in headers.items()]
    lines.append(f"  --data-raw {shlex.quote(json.dumps(body, ensure_ascii=False))}")
    _emit(" \\\n".join(lines))
    return EXIT_OK


def _act(args: argparse.Namespace, transport: httpx.BaseTransport | None) -> int:
    with CallMonitor(
        getattr(args, "base_url", None),
        getattr(args, "app_key", None),
        _secret(args),
        timeout=getattr(args, "timeout", DEFAULT_TIMEOUT),
        retries=getattr(args, "retries", DEFAULT_RETRIES),
        transport=transport,
    ) as monitor:
        action: Callable[..., SuccessEnvelope] = getattr(monitor, args.operation)
        fields = {
            field.name: value
            for field in find_operation(args.operation).extra_fields
            if (value := getattr(args, f"field_{field.name}")) is not None
        }
        envelope = action(
            supervisor=args.supervisor, agent=args.agent, action_id=args.action_id, **fields
        )
    _emit(json.dumps(envelope.to_dict(), ensure_ascii=False, indent=2))
    return EXIT_OK


def _emit(text: str) -> None:
    """Print ``text`` to stdout; a reader that went away (``| head -1``) is not an error."""
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        _discard_stdout()


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so that Python's flush at exit cannot fail again (the
    recipe of the ``signal`` module's documentation for SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, io.UnsupportedOperation):  # no real file descriptor
        pass


def _report(label: str, error: M7Error) -> None:
    """One line for the error, then one indented line per field violation the server listed
    (``body.actionId: … is longer than 40 characters``), with or without ``-v``."""
    where = f" (request id {error.request_id})" if error.request_id else ""
    lines = [f"error {label}: {error.message}{where}"]
    lines += [f"  {violation}" for violation in error.violations]
    print("\n".join(lines), file=sys.stderr)


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Marks the handler ``-v`` installs, so running ``main`` again does not add another."""


def _log_to_stderr() -> None:
    """Show this package's request log (method, path, status, attempt, request id)."""
    logger = logging.getLogger("m7_call_monitor")
    for old in [h for h in logger.handlers if isinstance(h, _StderrHandler)]:
        logger.removeHandler(old)
    handler = _StderrHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("m7: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)


def main(argv: Sequence[str] | None = None, *, transport: httpx.BaseTransport | None = None) -> int:
    """Run ``m7``; returns the exit status. ``transport`` lets tests replace the network."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as stop:  # --help, --version, or a usage error already printed
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    if getattr(args, "verbose", False):
        _log_to_stderr()
    try:
        return _sign(args) if args.command == "sign" else _act(args, transport)
    except ConfigError as error:
        _report("config", error)
        return EXIT_USAGE
    except TransportError as error:
        _report("transport", error)
        return EXIT_TRANSPORT
    except M7Error as error:
        _report(error.code or "unknown", error)
        return EXIT_API
