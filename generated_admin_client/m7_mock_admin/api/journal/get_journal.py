from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.get_journal_operation import GetJournalOperation
from ...models.journal import Journal
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    operation: GetJournalOperation | Unset = UNSET,
    path: str | Unset = UNSET,
    status: int | Unset = UNSET,
    outcome: str | Unset = UNSET,
    app_key: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    account: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_operation: str | Unset = UNSET
    if not isinstance(operation, Unset):
        json_operation = operation.value

    params["operation"] = json_operation

    params["path"] = path

    params["status"] = status

    params["outcome"] = outcome

    params["appKey"] = app_key

    params["limit"] = limit

    params["account"] = account

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/journal",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | Journal | None:
    if response.status_code == 200:
        response_200 = Journal.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

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
) -> Response[ErrorEnvelope | Journal]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    operation: GetJournalOperation | Unset = UNSET,
    path: str | Unset = UNSET,
    status: int | Unset = UNSET,
    outcome: str | Unset = UNSET,
    app_key: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    account: str | Unset = UNSET,
) -> Response[ErrorEnvelope | Journal]:
    """The last requests to the vendor API, oldest first

     Shows what your client actually sent to the vendor API (method, path, headers, body) and how the
    mock answered (status, outcome, response body), at most `capacity` requests. Recorded: every request
    below the vendor API's prefix `/openapi/` (its operations, and any other path there, e.g. a misspelt
    operation, answered 404), and a request carrying `m7-appkey` to any other path (a client with a
    wrong base URL). Not recorded: this admin API, the start page, the guides, the documents, the
    Swagger UIs, the console, `/favicon.ico` and any other unsigned request. `m7-sign` and other
    credentials are redacted. The query parameters narrow the answer (they combine with "and"); `limit`
    keeps the newest of the matching entries.

    Args:
        operation (GetJournalOperation | Unset):
        path (str | Unset):
        status (int | Unset):
        outcome (str | Unset):
        app_key (str | Unset):
        limit (int | Unset):
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | Journal]
    """

    kwargs = _get_kwargs(
        operation=operation,
        path=path,
        status=status,
        outcome=outcome,
        app_key=app_key,
        limit=limit,
        account=account,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    operation: GetJournalOperation | Unset = UNSET,
    path: str | Unset = UNSET,
    status: int | Unset = UNSET,
    outcome: str | Unset = UNSET,
    app_key: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    account: str | Unset = UNSET,
) -> ErrorEnvelope | Journal | None:
    """The last requests to the vendor API, oldest first

     Shows what your client actually sent to the vendor API (method, path, headers, body) and how the
    mock answered (status, outcome, response body), at most `capacity` requests. Recorded: every request
    below the vendor API's prefix `/openapi/` (its operations, and any other path there, e.g. a misspelt
    operation, answered 404), and a request carrying `m7-appkey` to any other path (a client with a
    wrong base URL). Not recorded: this admin API, the start page, the guides, the documents, the
    Swagger UIs, the console, `/favicon.ico` and any other unsigned request. `m7-sign` and other
    credentials are redacted. The query parameters narrow the answer (they combine with "and"); `limit`
    keeps the newest of the matching entries.

    Args:
        operation (GetJournalOperation | Unset):
        path (str | Unset):
        status (int | Unset):
        outcome (str | Unset):
        app_key (str | Unset):
        limit (int | Unset):
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | Journal
    """

    return sync_detailed(
        client=client,
        operation=operation,
        path=path,
        status=status,
        outcome=outcome,
        app_key=app_key,
        limit=limit,
        account=account,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    operation: GetJournalOperation | Unset = UNSET,
    path: str | Unset = UNSET,
    status: int | Unset = UNSET,
    outcome: str | Unset = UNSET,
    app_key: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    account: str | Unset = UNSET,
) -> Response[ErrorEnvelope | Journal]:
    """The last requests to the vendor API, oldest first

     Shows what your client actually sent to the vendor API (method, path, headers, body) and how the
    mock answered (status, outcome, response body), at most `capacity` requests. Recorded: every request
    below the vendor API's prefix `/openapi/` (its operations, and any other path there, e.g. a misspelt
    operation, answered 404), and a request carrying `m7-appkey` to any other path (a client with a
    wrong base URL). Not recorded: this admin API, the start page, the guides, the documents, the
    Swagger UIs, the console, `/favicon.ico` and any other unsigned request. `m7-sign` and other
    credentials are redacted. The query parameters narrow the answer (they combine with "and"); `limit`
    keeps the newest of the matching entries.

    Args:
        operation (GetJournalOperation | Unset):
        path (str | Unset):
        status (int | Unset):
        outcome (str | Unset):
        app_key (str | Unset):
        limit (int | Unset):
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | Journal]
    """

    kwargs = _get_kwargs(
        operation=operation,
        path=path,
        status=status,
        outcome=outcome,
        app_key=app_key,
        limit=limit,
        account=account,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    operation: GetJournalOperation | Unset = UNSET,
    path: str | Unset = UNSET,
    status: int | Unset = UNSET,
    outcome: str | Unset = UNSET,
    app_key: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    account: str | Unset = UNSET,
) -> ErrorEnvelope | Journal | None:
    """The last requests to the vendor API, oldest first

     Shows what your client actually sent to the vendor API (method, path, headers, body) and how the
    mock answered (status, outcome, response body), at most `capacity` requests. Recorded: every request
    below the vendor API's prefix `/openapi/` (its operations, and any other path there, e.g. a misspelt
    operation, answered 404), and a request carrying `m7-appkey` to any other path (a client with a
    wrong base URL). Not recorded: this admin API, the start page, the guides, the documents, the
    Swagger UIs, the console, `/favicon.ico` and any other unsigned request. `m7-sign` and other
    credentials are redacted. The query parameters narrow the answer (they combine with "and"); `limit`
    keeps the newest of the matching entries.

    Args:
        operation (GetJournalOperation | Unset):
        path (str | Unset):
        status (int | Unset):
        outcome (str | Unset):
        app_key (str | Unset):
        limit (int | Unset):
        account (str | Unset): An account's app key (the vendor API's `m7-appkey`). Example:
            2100147.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | Journal
    """

    return (
        await asyncio_detailed(
            client=client,
            operation=operation,
            path=path,
            status=status,
            outcome=outcome,
            app_key=app_key,
            limit=limit,
            account=account,
        )
    ).parsed
