from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.call import Call
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    call_id: str,
    *,
    account: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["account"] = account

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/calls/{call_id}/answer".format(
            call_id=quote(str(call_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Call | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = Call.from_dict(response.json())

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
) -> Response[Call | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    call_id: str,
    *,
    client: AuthenticatedClient | Client,
    account: str | Unset = UNSET,
) -> Response[Call | ErrorEnvelope]:
    """The agent answers a ringing call (ringing -> talking)

     Simulates the agent picking up: the call becomes `talking`, gets its `answeredAt`, and the agent's
    status follows. A call already answered is refused with `40908`.

    Args:
        call_id (str): A call's id: `call-` and a number for the calls the mock starts
            (`call-0004`), or the id a scenario gives; letters, digits and `_ . ~ -`, so that it is
            usable in a URL path as is. Example: call-0001.
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Call | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        call_id=call_id,
        account=account,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    call_id: str,
    *,
    client: AuthenticatedClient | Client,
    account: str | Unset = UNSET,
) -> Call | ErrorEnvelope | None:
    """The agent answers a ringing call (ringing -> talking)

     Simulates the agent picking up: the call becomes `talking`, gets its `answeredAt`, and the agent's
    status follows. A call already answered is refused with `40908`.

    Args:
        call_id (str): A call's id: `call-` and a number for the calls the mock starts
            (`call-0004`), or the id a scenario gives; letters, digits and `_ . ~ -`, so that it is
            usable in a URL path as is. Example: call-0001.
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Call | ErrorEnvelope
    """

    return sync_detailed(
        call_id=call_id,
        client=client,
        account=account,
    ).parsed


async def asyncio_detailed(
    call_id: str,
    *,
    client: AuthenticatedClient | Client,
    account: str | Unset = UNSET,
) -> Response[Call | ErrorEnvelope]:
    """The agent answers a ringing call (ringing -> talking)

     Simulates the agent picking up: the call becomes `talking`, gets its `answeredAt`, and the agent's
    status follows. A call already answered is refused with `40908`.

    Args:
        call_id (str): A call's id: `call-` and a number for the calls the mock starts
            (`call-0004`), or the id a scenario gives; letters, digits and `_ . ~ -`, so that it is
            usable in a URL path as is. Example: call-0001.
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Call | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        call_id=call_id,
        account=account,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    call_id: str,
    *,
    client: AuthenticatedClient | Client,
    account: str | Unset = UNSET,
) -> Call | ErrorEnvelope | None:
    """The agent answers a ringing call (ringing -> talking)

     Simulates the agent picking up: the call becomes `talking`, gets its `answeredAt`, and the agent's
    status follows. A call already answered is refused with `40908`.

    Args:
        call_id (str): A call's id: `call-` and a number for the calls the mock starts
            (`call-0004`), or the id a scenario gives; letters, digits and `_ . ~ -`, so that it is
            usable in a URL path as is. Example: call-0001.
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Call | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            call_id=call_id,
            client=client,
            account=account,
        )
    ).parsed
