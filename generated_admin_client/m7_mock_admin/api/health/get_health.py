from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.health import Health
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/health",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | Health | None:
    if response.status_code == 200:
        response_200 = Health.from_dict(response.json())

        return response_200

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
) -> Response[ErrorEnvelope | Health]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorEnvelope | Health]:
    """Whether the mock is ready to serve

     `200` with `{"status": "ready"}` once the mock serves the vendor API: poll it after starting the
    mock in the background (in CI, or a script) and start your tests when it answers. Open in every
    case, without the admin token (also on a non-loopback bind), and it reveals nothing of the mock's
    configuration or state. With a shared state store (`--state redis://...`) it asks the store too:
    `503` while the store is out of reach, when no vendor request could be served either.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | Health]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> ErrorEnvelope | Health | None:
    """Whether the mock is ready to serve

     `200` with `{"status": "ready"}` once the mock serves the vendor API: poll it after starting the
    mock in the background (in CI, or a script) and start your tests when it answers. Open in every
    case, without the admin token (also on a non-loopback bind), and it reveals nothing of the mock's
    configuration or state. With a shared state store (`--state redis://...`) it asks the store too:
    `503` while the store is out of reach, when no vendor request could be served either.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | Health
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorEnvelope | Health]:
    """Whether the mock is ready to serve

     `200` with `{"status": "ready"}` once the mock serves the vendor API: poll it after starting the
    mock in the background (in CI, or a script) and start your tests when it answers. Open in every
    case, without the admin token (also on a non-loopback bind), and it reveals nothing of the mock's
    configuration or state. With a shared state store (`--state redis://...`) it asks the store too:
    `503` while the store is out of reach, when no vendor request could be served either.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | Health]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> ErrorEnvelope | Health | None:
    """Whether the mock is ready to serve

     `200` with `{"status": "ready"}` once the mock serves the vendor API: poll it after starting the
    mock in the background (in CI, or a script) and start your tests when it answers. Open in every
    case, without the admin token (also on a non-loopback bind), and it reveals nothing of the mock's
    configuration or state. With a shared state store (`--state redis://...`) it asks the store too:
    `503` while the store is out of reach, when no vendor request could be served either.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | Health
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
