from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.state import State
from ...types import UNSET, Response, Unset


def _get_kwargs(
    number: str,
    *,
    account: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["account"] = account

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/agents/{number}".format(
            number=quote(str(number), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | State | None:
    if response.status_code == 200:
        response_200 = State.from_dict(response.json())

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

    if response.status_code == 409:
        response_409 = ErrorEnvelope.from_dict(response.json())

        return response_409

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
) -> Response[ErrorEnvelope | State]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    number: str,
    *,
    client: AuthenticatedClient | Client,
    account: str | Unset = UNSET,
) -> Response[ErrorEnvelope | State]:
    """Remove an agent (refused with 40906 while on a call or monitoring)

     Deletes the agent and answers the state without them. An agent on a call or monitoring one is
    refused with `40906`: end the call first.

    Args:
        number (str): An agent number (工号), as in the vendor API. Example: 9527.
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | State]
    """

    kwargs = _get_kwargs(
        number=number,
        account=account,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    number: str,
    *,
    client: AuthenticatedClient | Client,
    account: str | Unset = UNSET,
) -> ErrorEnvelope | State | None:
    """Remove an agent (refused with 40906 while on a call or monitoring)

     Deletes the agent and answers the state without them. An agent on a call or monitoring one is
    refused with `40906`: end the call first.

    Args:
        number (str): An agent number (工号), as in the vendor API. Example: 9527.
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | State
    """

    return sync_detailed(
        number=number,
        client=client,
        account=account,
    ).parsed


async def asyncio_detailed(
    number: str,
    *,
    client: AuthenticatedClient | Client,
    account: str | Unset = UNSET,
) -> Response[ErrorEnvelope | State]:
    """Remove an agent (refused with 40906 while on a call or monitoring)

     Deletes the agent and answers the state without them. An agent on a call or monitoring one is
    refused with `40906`: end the call first.

    Args:
        number (str): An agent number (工号), as in the vendor API. Example: 9527.
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | State]
    """

    kwargs = _get_kwargs(
        number=number,
        account=account,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    number: str,
    *,
    client: AuthenticatedClient | Client,
    account: str | Unset = UNSET,
) -> ErrorEnvelope | State | None:
    """Remove an agent (refused with 40906 while on a call or monitoring)

     Deletes the agent and answers the state without them. An agent on a call or monitoring one is
    refused with `40906`: end the call first.

    Args:
        number (str): An agent number (工号), as in the vendor API. Example: 9527.
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | State
    """

    return (
        await asyncio_detailed(
            number=number,
            client=client,
            account=account,
        )
    ).parsed
