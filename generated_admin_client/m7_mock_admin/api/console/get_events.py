from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    account: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["account"] = account

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/events",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | str | None:
    if response.status_code == 200:
        response_200 = response.text
        return response_200

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

    if response.status_code == 500:
        response_500 = ErrorEnvelope.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = ErrorEnvelope.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    account: str | Unset = UNSET,
) -> Response[ErrorEnvelope | str]:
    """Every change of the mock's state, pushed as server-sent events

     A `text/event-stream` that stays open: the console at `/__mock/console/` follows it
    to show changes without polling. Each event is an `event:` line naming its kind and
    one `data:` line of JSON saying what changed:

    | event | when | data |
    | --- | --- | --- |
    | `hello` | first, on every (re)connection: read the state afresh | `{}` |
    | `callcenter` | a vendor operation or an admin change altered agents or calls | what changed |
    | `journal` | a request was recorded, or the journal was cleared | the entry's `requestId`,
    `method`, `path`, `status`, `outcome`; or `cleared` |
    | `faults` | the fault plan was set or cleared, or one of its counts used up | the plan now |
    | `reset` | back to the scenario | `{}` |
    | `resync` | this client fell behind and events were dropped: read the state afresh | `dropped` |

    A comment line (`: keep-alive`) comes every 15 s without a change. At most 32 streams
    are open at once; one more is refused with `503` (and `Retry-After`).

    Args:
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | str]
    """

    kwargs = _get_kwargs(
        account=account,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    account: str | Unset = UNSET,
) -> ErrorEnvelope | str | None:
    """Every change of the mock's state, pushed as server-sent events

     A `text/event-stream` that stays open: the console at `/__mock/console/` follows it
    to show changes without polling. Each event is an `event:` line naming its kind and
    one `data:` line of JSON saying what changed:

    | event | when | data |
    | --- | --- | --- |
    | `hello` | first, on every (re)connection: read the state afresh | `{}` |
    | `callcenter` | a vendor operation or an admin change altered agents or calls | what changed |
    | `journal` | a request was recorded, or the journal was cleared | the entry's `requestId`,
    `method`, `path`, `status`, `outcome`; or `cleared` |
    | `faults` | the fault plan was set or cleared, or one of its counts used up | the plan now |
    | `reset` | back to the scenario | `{}` |
    | `resync` | this client fell behind and events were dropped: read the state afresh | `dropped` |

    A comment line (`: keep-alive`) comes every 15 s without a change. At most 32 streams
    are open at once; one more is refused with `503` (and `Retry-After`).

    Args:
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | str
    """

    return sync_detailed(
        client=client,
        account=account,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    account: str | Unset = UNSET,
) -> Response[ErrorEnvelope | str]:
    """Every change of the mock's state, pushed as server-sent events

     A `text/event-stream` that stays open: the console at `/__mock/console/` follows it
    to show changes without polling. Each event is an `event:` line naming its kind and
    one `data:` line of JSON saying what changed:

    | event | when | data |
    | --- | --- | --- |
    | `hello` | first, on every (re)connection: read the state afresh | `{}` |
    | `callcenter` | a vendor operation or an admin change altered agents or calls | what changed |
    | `journal` | a request was recorded, or the journal was cleared | the entry's `requestId`,
    `method`, `path`, `status`, `outcome`; or `cleared` |
    | `faults` | the fault plan was set or cleared, or one of its counts used up | the plan now |
    | `reset` | back to the scenario | `{}` |
    | `resync` | this client fell behind and events were dropped: read the state afresh | `dropped` |

    A comment line (`: keep-alive`) comes every 15 s without a change. At most 32 streams
    are open at once; one more is refused with `503` (and `Retry-After`).

    Args:
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | str]
    """

    kwargs = _get_kwargs(
        account=account,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    account: str | Unset = UNSET,
) -> ErrorEnvelope | str | None:
    """Every change of the mock's state, pushed as server-sent events

     A `text/event-stream` that stays open: the console at `/__mock/console/` follows it
    to show changes without polling. Each event is an `event:` line naming its kind and
    one `data:` line of JSON saying what changed:

    | event | when | data |
    | --- | --- | --- |
    | `hello` | first, on every (re)connection: read the state afresh | `{}` |
    | `callcenter` | a vendor operation or an admin change altered agents or calls | what changed |
    | `journal` | a request was recorded, or the journal was cleared | the entry's `requestId`,
    `method`, `path`, `status`, `outcome`; or `cleared` |
    | `faults` | the fault plan was set or cleared, or one of its counts used up | the plan now |
    | `reset` | back to the scenario | `{}` |
    | `resync` | this client fell behind and events were dropped: read the state afresh | `dropped` |

    A comment line (`: keep-alive`) comes every 15 s without a change. At most 32 streams
    are open at once; one more is refused with `503` (and `Retry-After`).

    Args:
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | str
    """

    return (
        await asyncio_detailed(
            client=client,
            account=account,
        )
    ).parsed
