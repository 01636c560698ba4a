"""The code under test: the backend of a supervisors' web page.

A supervisor clicks "listen" or "cut off" next to an agent; the page asks this backend,
which calls the 7moor API through ``m7_call_monitor`` and answers the text the page shows.
It is an example of your own code: the tests beside it run it against the m7 mock.
"""

from __future__ import annotations

from m7_call_monitor import CallMonitor, CallStateError, M7Error


class SupervisorDesk:
    """The supervisor actions of the web page, one method per button."""

    def __init__(self, base_url: str, app_key: str, secret_key: str) -> None:
        # Retry what the server certainly did not do (503, 429, no connection): twice,
        # waiting at most 0.2 s, so that a supervisor is not kept waiting.
        self._monitor = CallMonitor(
            base_url, app_key, secret_key, retries=2, backoff=0.1, max_retry_delay=0.2
        )

    def close(self) -> None:
        self._monitor.close()

    def listen_in(self, supervisor: str, agent: str) -> str:
        """The "listen" button: the supervisor hears the agent's call."""
        try:
            self._monitor.listen(supervisor=supervisor, agent=agent)
        except CallStateError as error:
            return f"cannot listen to {agent}: {error.message}"
        except M7Error:
            return "the call service is not answering, try again"
        return f"listening to {agent}"

    def cut_off(self, supervisor: str, agent: str) -> str:
        """The "cut off" button: the agent's call is hung up."""
        try:
            self._monitor.hangup(supervisor=supervisor, agent=agent)
        except CallStateError as error:
            return f"cannot cut off {agent}: {error.message}"
        except M7Error:
            return "the call service is not answering, try again"
        return f"call of {agent} cut off"
