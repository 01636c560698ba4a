from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.faults import Faults
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: Faults,
    account: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    params["account"] = account

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/faults",
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | Faults | None:
    if response.status_code == 200:
        response_200 = Faults.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

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
) -> Response[ErrorEnvelope | Faults]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: Faults,
    account: str | Unset = UNSET,
) -> Response[ErrorEnvelope | Faults]:
    """Replace the faults in force

     Applied to each request on a vendor API path, in this order: the latency is waited;
    a pending drop closes the connection without any response; a forced status answers
    that status with the error envelope (and `Retry-After: 1` for 429 and 503) instead
    of acting. Each dropped or forced request uses up one of its `count`.

    Args:
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.
        body (Faults): The faults; each part is optional, an empty object means none. `latency`,
            `status` and `drop` apply to all five operations; `operations` holds faults for one
            operation, whose parts take the place of the parts of the same kind above for requests to
            it (each with its own count).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | Faults]
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
    body: Faults,
    account: str | Unset = UNSET,
) -> ErrorEnvelope | Faults | None:
    """Replace the faults in force

     Applied to each request on a vendor API path, in this order: the latency is waited;
    a pending drop closes the connection without any response; a forced status answers
    that status with the error envelope (and `Retry-After: 1` for 429 and 503) instead
    of acting. Each dropped or forced request uses up one of its `count`.

    Args:
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.
        body (Faults): The faults; each part is optional, an empty object means none. `latency`,
            `status` and `drop` apply to all five operations; `operations` holds faults for one
            operation, whose parts take the place of the parts of the same kind above for requests to
            it (each with its own count).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | Faults
    """

    return sync_detailed(
        client=client,
        body=body,
        account=account,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: Faults,
    account: str | Unset = UNSET,
) -> Response[ErrorEnvelope | Faults]:
    """Replace the faults in force

     Applied to each request on a vendor API path, in this order: the latency is waited;
    a pending drop closes the connection without any response; a forced status answers
    that status with the error envelope (and `Retry-After: 1` for 429 and 503) instead
    of acting. Each dropped or forced request uses up one of its `count`.

    Args:
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.
        body (Faults): The faults; each part is optional, an empty object means none. `latency`,
            `status` and `drop` apply to all five operations; `operations` holds faults for one
            operation, whose parts take the place of the parts of the same kind above for requests to
            it (each with its own count).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | Faults]
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
    body: Faults,
    account: str | Unset = UNSET,
) -> ErrorEnvelope | Faults | None:
    """Replace the faults in force

     Applied to each request on a vendor API path, in this order: the latency is waited;
    a pending drop closes the connection without any response; a forced status answers
    that status with the error envelope (and `Retry-After: 1` for 429 and 503) instead
    of acting. Each dropped or forced request uses up one of its `count`.

    Args:
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.
        body (Faults): The faults; each part is optional, an empty object means none. `latency`,
            `status` and `drop` apply to all five operations; `operations` holds faults for one
            operation, whose parts take the place of the parts of the same kind above for requests to
            it (each with its own count).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | Faults
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            account=account,
        )
    ).parsed
