from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.account_credentials import AccountCredentials
from ...models.error_envelope import ErrorEnvelope
from ...models.new_account import NewAccount
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: NewAccount | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/accounts",
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AccountCredentials | ErrorEnvelope | None:
    if response.status_code == 201:
        response_201 = AccountCredentials.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 409:
        response_409 = ErrorEnvelope.from_dict(response.json())

        return response_409

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
) -> Response[AccountCredentials | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: NewAccount | Unset = UNSET,
) -> Response[AccountCredentials | ErrorEnvelope]:
    """Create an account (an app key with its own call center) while the mock runs

     Creates an account with its own secret, call center, journal, faults and clock, so that a test (or
    each pytest-xdist worker) has a call center no other test sees. Without `appKey` one is made up
    (`t-` and 16 hex digits); without `secret` a random one (43 URL-safe characters); without `scenario`
    the account starts from the mock's start-up call center (the demo's unless a scenario was given).
    Answers the app key and the secret to sign with. Accounts created here live until deleted or until
    the mock stops (in Redis, until deleted: every worker of a shared state sees them); at most `--max-
    accounts` of them (default 100) exist at once. An app key in use is refused with `40909`, a full
    mock with `40910`.

    Args:
        body (NewAccount | Unset): What to create; everything left out is made up (see
            `createAccount`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccountCredentials | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: NewAccount | Unset = UNSET,
) -> AccountCredentials | ErrorEnvelope | None:
    """Create an account (an app key with its own call center) while the mock runs

     Creates an account with its own secret, call center, journal, faults and clock, so that a test (or
    each pytest-xdist worker) has a call center no other test sees. Without `appKey` one is made up
    (`t-` and 16 hex digits); without `secret` a random one (43 URL-safe characters); without `scenario`
    the account starts from the mock's start-up call center (the demo's unless a scenario was given).
    Answers the app key and the secret to sign with. Accounts created here live until deleted or until
    the mock stops (in Redis, until deleted: every worker of a shared state sees them); at most `--max-
    accounts` of them (default 100) exist at once. An app key in use is refused with `40909`, a full
    mock with `40910`.

    Args:
        body (NewAccount | Unset): What to create; everything left out is made up (see
            `createAccount`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccountCredentials | ErrorEnvelope
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: NewAccount | Unset = UNSET,
) -> Response[AccountCredentials | ErrorEnvelope]:
    """Create an account (an app key with its own call center) while the mock runs

     Creates an account with its own secret, call center, journal, faults and clock, so that a test (or
    each pytest-xdist worker) has a call center no other test sees. Without `appKey` one is made up
    (`t-` and 16 hex digits); without `secret` a random one (43 URL-safe characters); without `scenario`
    the account starts from the mock's start-up call center (the demo's unless a scenario was given).
    Answers the app key and the secret to sign with. Accounts created here live until deleted or until
    the mock stops (in Redis, until deleted: every worker of a shared state sees them); at most `--max-
    accounts` of them (default 100) exist at once. An app key in use is refused with `40909`, a full
    mock with `40910`.

    Args:
        body (NewAccount | Unset): What to create; everything left out is made up (see
            `createAccount`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccountCredentials | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: NewAccount | Unset = UNSET,
) -> AccountCredentials | ErrorEnvelope | None:
    """Create an account (an app key with its own call center) while the mock runs

     Creates an account with its own secret, call center, journal, faults and clock, so that a test (or
    each pytest-xdist worker) has a call center no other test sees. Without `appKey` one is made up
    (`t-` and 16 hex digits); without `secret` a random one (43 URL-safe characters); without `scenario`
    the account starts from the mock's start-up call center (the demo's unless a scenario was given).
    Answers the app key and the secret to sign with. Accounts created here live until deleted or until
    the mock stops (in Redis, until deleted: every worker of a shared state sees them); at most `--max-
    accounts` of them (default 100) exist at once. An app key in use is refused with `40909`, a full
    mock with `40910`.

    Args:
        body (NewAccount | Unset): What to create; everything left out is made up (see
            `createAccount`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccountCredentials | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
