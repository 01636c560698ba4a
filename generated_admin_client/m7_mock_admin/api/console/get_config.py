from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.console_config import ConsoleConfig
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
        "url": "/config",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ConsoleConfig | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = ConsoleConfig.from_dict(response.json())

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ConsoleConfig | ErrorEnvelope]:
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
) -> Response[ConsoleConfig | ErrorEnvelope]:
    """The auth mode, the in-page signing and the five operations, for the console

     The console at `/__mock/console/` reads this once: how the vendor API authenticates, whether pages
    may sign in the browser and with which accounts, and each operation's path, supervisor field and the
    vendor's term. The secret keys are included only when pages may sign: on a loopback bind, or when
    the mock was started with `--page-signing on` (a page holding a secret hands it to whoever loads
    it).

    Args:
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConsoleConfig | ErrorEnvelope]
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
) -> ConsoleConfig | ErrorEnvelope | None:
    """The auth mode, the in-page signing and the five operations, for the console

     The console at `/__mock/console/` reads this once: how the vendor API authenticates, whether pages
    may sign in the browser and with which accounts, and each operation's path, supervisor field and the
    vendor's term. The secret keys are included only when pages may sign: on a loopback bind, or when
    the mock was started with `--page-signing on` (a page holding a secret hands it to whoever loads
    it).

    Args:
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConsoleConfig | ErrorEnvelope
    """

    return sync_detailed(
        client=client,
        account=account,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    account: str | Unset = UNSET,
) -> Response[ConsoleConfig | ErrorEnvelope]:
    """The auth mode, the in-page signing and the five operations, for the console

     The console at `/__mock/console/` reads this once: how the vendor API authenticates, whether pages
    may sign in the browser and with which accounts, and each operation's path, supervisor field and the
    vendor's term. The secret keys are included only when pages may sign: on a loopback bind, or when
    the mock was started with `--page-signing on` (a page holding a secret hands it to whoever loads
    it).

    Args:
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConsoleConfig | ErrorEnvelope]
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
) -> ConsoleConfig | ErrorEnvelope | None:
    """The auth mode, the in-page signing and the five operations, for the console

     The console at `/__mock/console/` reads this once: how the vendor API authenticates, whether pages
    may sign in the browser and with which accounts, and each operation's path, supervisor field and the
    vendor's term. The secret keys are included only when pages may sign: on a loopback bind, or when
    the mock was started with `--page-signing on` (a page holding a secret hands it to whoever loads
    it).

    Args:
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConsoleConfig | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            account=account,
        )
    ).parsed
