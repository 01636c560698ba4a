"""The contract suite of the 7moor V7 call-monitoring API, as a command: ``m7-contract``.

What any deployment must do per ``openapi/call-monitor.yaml`` (authentication, validation,
response conformance, and the call-changing operations on agents named for the purpose),
checked over real HTTP, safe against a live deployment, in bounded time, ending with a
summary of the rules the target broke. ``m7_contract/checks`` holds the checks (run by
pytest, in ``make test`` against the mock too); ``cli`` the command; ``client`` the signed
requests and the limits; ``document`` and ``conformance`` what the document says; ``bodies``
the generated bad bodies; ``summary`` the closing summary. It imports nothing of the mock
server: it starts it as a process (``local_mock``) when no target is named.
"""
