from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.pickup_channel_request import PickupChannelRequest
from ...models.success_envelope import SuccessEnvelope
from ...types import Response


def _get_kwargs(
    *,
    body: PickupChannelRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/openapi/v1/call/pickupChannel",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | SuccessEnvelope | None:
    if response.status_code == 200:
        response_200 = SuccessEnvelope.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ErrorEnvelope.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = ErrorEnvelope.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ErrorEnvelope.from_dict(response.json())

        return response_415

    if response.status_code == 429:
        response_429 = ErrorEnvelope.from_dict(response.json())

        return response_429

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
) -> Response[ErrorEnvelope | SuccessEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PickupChannelRequest,
) -> Response[ErrorEnvelope | SuccessEnvelope]:
    """Take over an agent's call (抢接)

     The supervisor (`pickupAgent`) takes the live call of `agentNumber` over: the customer
    is now talking with the supervisor, the agent is dropped and becomes idle. A ringing
    call can be picked up too (the supervisor answers it). Any other supervisor monitoring
    the call is detached.

    Call-state rules (x-call-state-rules; checked in this order, the first unmet one
    answers): 1. `pickupAgent` and `agentNumber` are two different agents
    (400, `40001`); 2. `pickupAgent` is a known agent (404, `40401`); 3. `agentNumber`
    is a known agent (404, `40402`); 4. `pickupAgent` has the supervisor role
    (403, `40301`); 5. `pickupAgent` is online (409, `40901`); 6. `pickupAgent` is not
    on a call of their own (409, `40902`); 7. `pickupAgent` monitors no call but the
    agent's (409, `40902`); 8. the agent has a live call (409, `40903`). When all hold:
    the supervisor becomes the call's agent (a ringing call is answered); the old agent
    and any monitoring supervisor are free.

    Args:
        body (PickupChannelRequest): Body of pickupChannel (抢接).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | SuccessEnvelope]
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
    body: PickupChannelRequest,
) -> ErrorEnvelope | SuccessEnvelope | None:
    """Take over an agent's call (抢接)

     The supervisor (`pickupAgent`) takes the live call of `agentNumber` over: the customer
    is now talking with the supervisor, the agent is dropped and becomes idle. A ringing
    call can be picked up too (the supervisor answers it). Any other supervisor monitoring
    the call is detached.

    Call-state rules (x-call-state-rules; checked in this order, the first unmet one
    answers): 1. `pickupAgent` and `agentNumber` are two different agents
    (400, `40001`); 2. `pickupAgent` is a known agent (404, `40401`); 3. `agentNumber`
    is a known agent (404, `40402`); 4. `pickupAgent` has the supervisor role
    (403, `40301`); 5. `pickupAgent` is online (409, `40901`); 6. `pickupAgent` is not
    on a call of their own (409, `40902`); 7. `pickupAgent` monitors no call but the
    agent's (409, `40902`); 8. the agent has a live call (409, `40903`). When all hold:
    the supervisor becomes the call's agent (a ringing call is answered); the old agent
    and any monitoring supervisor are free.

    Args:
        body (PickupChannelRequest): Body of pickupChannel (抢接).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | SuccessEnvelope
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PickupChannelRequest,
) -> Response[ErrorEnvelope | SuccessEnvelope]:
    """Take over an agent's call (抢接)

     The supervisor (`pickupAgent`) takes the live call of `agentNumber` over: the customer
    is now talking with the supervisor, the agent is dropped and becomes idle. A ringing
    call can be picked up too (the supervisor answers it). Any other supervisor monitoring
    the call is detached.

    Call-state rules (x-call-state-rules; checked in this order, the first unmet one
    answers): 1. `pickupAgent` and `agentNumber` are two different agents
    (400, `40001`); 2. `pickupAgent` is a known agent (404, `40401`); 3. `agentNumber`
    is a known agent (404, `40402`); 4. `pickupAgent` has the supervisor role
    (403, `40301`); 5. `pickupAgent` is online (409, `40901`); 6. `pickupAgent` is not
    on a call of their own (409, `40902`); 7. `pickupAgent` monitors no call but the
    agent's (409, `40902`); 8. the agent has a live call (409, `40903`). When all hold:
    the supervisor becomes the call's agent (a ringing call is answered); the old agent
    and any monitoring supervisor are free.

    Args:
        body (PickupChannelRequest): Body of pickupChannel (抢接).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | SuccessEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: PickupChannelRequest,
) -> ErrorEnvelope | SuccessEnvelope | None:
    """Take over an agent's call (抢接)

     The supervisor (`pickupAgent`) takes the live call of `agentNumber` over: the customer
    is now talking with the supervisor, the agent is dropped and becomes idle. A ringing
    call can be picked up too (the supervisor answers it). Any other supervisor monitoring
    the call is detached.

    Call-state rules (x-call-state-rules; checked in this order, the first unmet one
    answers): 1. `pickupAgent` and `agentNumber` are two different agents
    (400, `40001`); 2. `pickupAgent` is a known agent (404, `40401`); 3. `agentNumber`
    is a known agent (404, `40402`); 4. `pickupAgent` has the supervisor role
    (403, `40301`); 5. `pickupAgent` is online (409, `40901`); 6. `pickupAgent` is not
    on a call of their own (409, `40902`); 7. `pickupAgent` monitors no call but the
    agent's (409, `40902`); 8. the agent has a live call (409, `40903`). When all hold:
    the supervisor becomes the call's agent (a ringing call is answered); the old agent
    and any monitoring supervisor are free.

    Args:
        body (PickupChannelRequest): Body of pickupChannel (抢接).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | SuccessEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
