from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.clock import Clock
from ...models.error_envelope import ErrorEnvelope
from ...models.freeze_clock import FreezeClock
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: FreezeClock,
    account: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    params["account"] = account

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/clock",
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Clock | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = Clock.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

    if response.status_code == 413:
        response_413 = ErrorEnvelope.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ErrorEnvelope.from_dict(response.json())

        return response_415

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
) -> Response[Clock | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: FreezeClock,
    account: str | Unset = UNSET,
) -> Response[Clock | ErrorEnvelope]:
    """Stop the account's clock at a time

     The clock stands at `frozenAt` until advanced or set back to real time. A time before the clock's
    present is allowed: a remembered `sign + nonce` is then kept until the clock passes its end again.

    Args:
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.
        body (FreezeClock):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Clock | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
        account=account,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: FreezeClock,
    account: str | Unset = UNSET,
) -> Clock | ErrorEnvelope | None:
    """Stop the account's clock at a time

     The clock stands at `frozenAt` until advanced or set back to real time. A time before the clock's
    present is allowed: a remembered `sign + nonce` is then kept until the clock passes its end again.

    Args:
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.
        body (FreezeClock):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Clock | ErrorEnvelope
    """

    return sync_detailed(
        client=client,
        body=body,
        account=account,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: FreezeClock,
    account: str | Unset = UNSET,
) -> Response[Clock | ErrorEnvelope]:
    """Stop the account's clock at a time

     The clock stands at `frozenAt` until advanced or set back to real time. A time before the clock's
    present is allowed: a remembered `sign + nonce` is then kept until the clock passes its end again.

    Args:
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.
        body (FreezeClock):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Clock | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
        account=account,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: FreezeClock,
    account: str | Unset = UNSET,
) -> Clock | ErrorEnvelope | None:
    """Stop the account's clock at a time

     The clock stands at `frozenAt` until advanced or set back to real time. A time before the clock's
    present is allowed: a remembered `sign + nonce` is then kept until the clock passes its end again.

    Args:
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.
        body (FreezeClock):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Clock | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            account=account,
        )
    ).parsed
