from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.verification import Verification
from ...models.verify_request import VerifyRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: VerifyRequest,
    account: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    params["account"] = account

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/verify",
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | Verification | None:
    if response.status_code == 200:
        response_200 = Verification.from_dict(response.json())

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
) -> Response[ErrorEnvelope | Verification]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: VerifyRequest,
    account: str | Unset = UNSET,
) -> Response[ErrorEnvelope | Verification]:
    """Whether the expected requests were sent, and if not, what came closest

     Counts the journal's requests to `operation` that match `where` (fields of the request body, and
    `appKey`, `status`, `outcome`: each must be equal) and judges the count by exactly one rule:
    `exactly`, `atLeast` or `atMost` (never is `exactly: 0`). When too few match, `nearest` names at
    most three other requests, those to the same operation first, then those with the fewest
    differences, the newest first among equals, each with what differed: a body field's value, the
    operation, or the reason the request was refused before anything acted on it (`authentication`: its
    signature; `request`: its body, method or size). Such a refused request matches only a pattern that
    names its `status` or `outcome`: a call the vendor would have refused is not a call made. When too
    many match, `nearest` names the matching requests, the newest first, with no differences. Only what
    the journal still holds is counted (at most its capacity and its bytes, the newest).

    Args:
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.
        body (VerifyRequest): What to count, and the rule the count must meet (exactly one of the
            three).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | Verification]
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
    body: VerifyRequest,
    account: str | Unset = UNSET,
) -> ErrorEnvelope | Verification | None:
    """Whether the expected requests were sent, and if not, what came closest

     Counts the journal's requests to `operation` that match `where` (fields of the request body, and
    `appKey`, `status`, `outcome`: each must be equal) and judges the count by exactly one rule:
    `exactly`, `atLeast` or `atMost` (never is `exactly: 0`). When too few match, `nearest` names at
    most three other requests, those to the same operation first, then those with the fewest
    differences, the newest first among equals, each with what differed: a body field's value, the
    operation, or the reason the request was refused before anything acted on it (`authentication`: its
    signature; `request`: its body, method or size). Such a refused request matches only a pattern that
    names its `status` or `outcome`: a call the vendor would have refused is not a call made. When too
    many match, `nearest` names the matching requests, the newest first, with no differences. Only what
    the journal still holds is counted (at most its capacity and its bytes, the newest).

    Args:
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.
        body (VerifyRequest): What to count, and the rule the count must meet (exactly one of the
            three).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | Verification
    """

    return sync_detailed(
        client=client,
        body=body,
        account=account,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: VerifyRequest,
    account: str | Unset = UNSET,
) -> Response[ErrorEnvelope | Verification]:
    """Whether the expected requests were sent, and if not, what came closest

     Counts the journal's requests to `operation` that match `where` (fields of the request body, and
    `appKey`, `status`, `outcome`: each must be equal) and judges the count by exactly one rule:
    `exactly`, `atLeast` or `atMost` (never is `exactly: 0`). When too few match, `nearest` names at
    most three other requests, those to the same operation first, then those with the fewest
    differences, the newest first among equals, each with what differed: a body field's value, the
    operation, or the reason the request was refused before anything acted on it (`authentication`: its
    signature; `request`: its body, method or size). Such a refused request matches only a pattern that
    names its `status` or `outcome`: a call the vendor would have refused is not a call made. When too
    many match, `nearest` names the matching requests, the newest first, with no differences. Only what
    the journal still holds is counted (at most its capacity and its bytes, the newest).

    Args:
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.
        body (VerifyRequest): What to count, and the rule the count must meet (exactly one of the
            three).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | Verification]
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
    body: VerifyRequest,
    account: str | Unset = UNSET,
) -> ErrorEnvelope | Verification | None:
    """Whether the expected requests were sent, and if not, what came closest

     Counts the journal's requests to `operation` that match `where` (fields of the request body, and
    `appKey`, `status`, `outcome`: each must be equal) and judges the count by exactly one rule:
    `exactly`, `atLeast` or `atMost` (never is `exactly: 0`). When too few match, `nearest` names at
    most three other requests, those to the same operation first, then those with the fewest
    differences, the newest first among equals, each with what differed: a body field's value, the
    operation, or the reason the request was refused before anything acted on it (`authentication`: its
    signature; `request`: its body, method or size). Such a refused request matches only a pattern that
    names its `status` or `outcome`: a call the vendor would have refused is not a call made. When too
    many match, `nearest` names the matching requests, the newest first, with no differences. Only what
    the journal still holds is counted (at most its capacity and its bytes, the newest).

    Args:
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.
        body (VerifyRequest): What to count, and the rule the count must meet (exactly one of the
            three).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | Verification
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            account=account,
        )
    ).parsed
