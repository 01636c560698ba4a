"""A client library for accessing 7moor V7 Call Monitoring API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
