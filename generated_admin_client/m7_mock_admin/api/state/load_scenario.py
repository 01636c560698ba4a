from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.state import State
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: Any,
    account: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    params["account"] = account

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/scenario",
        "params": params,
    }

    _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
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
) -> Response[ErrorEnvelope | State]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: Any,
    account: str | Unset = UNSET,
) -> Response[ErrorEnvelope | State]:
    """Replace the scenario and reset to it

     Sets up the call center your test or demo needs, in the format of `demo-scenario.yaml`; later resets
    return to it. An impossible scenario (say, a call on an offline agent) is refused with `40002`
    naming the place at fault, and the current state is kept.

    Args:
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.
        body (Any): A starting state, as in `demo-scenario.yaml` (camelCase keys): the call center
            of the account the request names (the default account when it names none) and, in
            `accounts`, the call centers of other accounts. Each app key is an account, its own call
            center. Only a scenario file given at start-up may declare `accounts` (with their
            `secret`); the admin API loads one account's call center and refuses `accounts` with
            `40002`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | State]
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
    body: Any,
    account: str | Unset = UNSET,
) -> ErrorEnvelope | State | None:
    """Replace the scenario and reset to it

     Sets up the call center your test or demo needs, in the format of `demo-scenario.yaml`; later resets
    return to it. An impossible scenario (say, a call on an offline agent) is refused with `40002`
    naming the place at fault, and the current state is kept.

    Args:
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.
        body (Any): A starting state, as in `demo-scenario.yaml` (camelCase keys): the call center
            of the account the request names (the default account when it names none) and, in
            `accounts`, the call centers of other accounts. Each app key is an account, its own call
            center. Only a scenario file given at start-up may declare `accounts` (with their
            `secret`); the admin API loads one account's call center and refuses `accounts` with
            `40002`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | State
    """

    return sync_detailed(
        client=client,
        body=body,
        account=account,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: Any,
    account: str | Unset = UNSET,
) -> Response[ErrorEnvelope | State]:
    """Replace the scenario and reset to it

     Sets up the call center your test or demo needs, in the format of `demo-scenario.yaml`; later resets
    return to it. An impossible scenario (say, a call on an offline agent) is refused with `40002`
    naming the place at fault, and the current state is kept.

    Args:
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.
        body (Any): A starting state, as in `demo-scenario.yaml` (camelCase keys): the call center
            of the account the request names (the default account when it names none) and, in
            `accounts`, the call centers of other accounts. Each app key is an account, its own call
            center. Only a scenario file given at start-up may declare `accounts` (with their
            `secret`); the admin API loads one account's call center and refuses `accounts` with
            `40002`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | State]
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
    body: Any,
    account: str | Unset = UNSET,
) -> ErrorEnvelope | State | None:
    """Replace the scenario and reset to it

     Sets up the call center your test or demo needs, in the format of `demo-scenario.yaml`; later resets
    return to it. An impossible scenario (say, a call on an offline agent) is refused with `40002`
    naming the place at fault, and the current state is kept.

    Args:
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.
        body (Any): A starting state, as in `demo-scenario.yaml` (camelCase keys): the call center
            of the account the request names (the default account when it names none) and, in
            `accounts`, the call centers of other accounts. Each app key is an account, its own call
            center. Only a scenario file given at start-up may declare `accounts` (with their
            `secret`); the admin API loads one account's call center and refuses `accounts` with
            `40002`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | State
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            account=account,
        )
    ).parsed
