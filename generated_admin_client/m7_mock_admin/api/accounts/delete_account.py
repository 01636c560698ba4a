from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...types import Response


def _get_kwargs(
    app_key: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/accounts/{app_key}".format(
            app_key=quote(str(app_key), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorEnvelope | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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
) -> Response[Any | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    app_key: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | ErrorEnvelope]:
    """Remove an account created through this API

     Removes the account and everything it holds (call center, journal, faults, clock, replay memory);
    its app key is then unknown to the vendor API (`401`). The accounts of the start-up configuration
    (credentials, scenario file) stay: removing one is refused with `40911`. An unknown app key is
    refused with `40404`.

    Args:
        app_key (str): An account's app key (the vendor API's `m7-appkey`). Example: 2100147.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        app_key=app_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    app_key: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | ErrorEnvelope | None:
    """Remove an account created through this API

     Removes the account and everything it holds (call center, journal, faults, clock, replay memory);
    its app key is then unknown to the vendor API (`401`). The accounts of the start-up configuration
    (credentials, scenario file) stay: removing one is refused with `40911`. An unknown app key is
    refused with `40404`.

    Args:
        app_key (str): An account's app key (the vendor API's `m7-appkey`). Example: 2100147.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorEnvelope
    """

    return sync_detailed(
        app_key=app_key,
        client=client,
    ).parsed


async def asyncio_detailed(
    app_key: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | ErrorEnvelope]:
    """Remove an account created through this API

     Removes the account and everything it holds (call center, journal, faults, clock, replay memory);
    its app key is then unknown to the vendor API (`401`). The accounts of the start-up configuration
    (credentials, scenario file) stay: removing one is refused with `40911`. An unknown app key is
    refused with `40404`.

    Args:
        app_key (str): An account's app key (the vendor API's `m7-appkey`). Example: 2100147.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        app_key=app_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    app_key: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | ErrorEnvelope | None:
    """Remove an account created through this API

     Removes the account and everything it holds (call center, journal, faults, clock, replay memory);
    its app key is then unknown to the vendor API (`401`). The accounts of the start-up configuration
    (credentials, scenario file) stay: removing one is refused with `40911`. An unknown app key is
    refused with `40404`.

    Args:
        app_key (str): An account's app key (the vendor API's `m7-appkey`). Example: 2100147.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            app_key=app_key,
            client=client,
        )
    ).parsed
