"""Answering the vendor operations from elsewhere than the simulated call center.

``m7-mock --upstream URL`` forwards each request, verified and through the account's faults
and replay memory like any other, to the real vendor, signed afresh with the upstream's own
credentials (``forwarder``); every answer is checked against the document (``drift``) and
may be written to a HAR recording (``har``); ``--replay FILE`` answers from such a recording
(``replay``). ``sources`` holds the two ways of answering the handlers ask (the
``AnswerSource`` of ``mock_server.handlers.vendor``), ``config`` what the settings carry.

Nothing here is imported by the model, the HTTP layers or the handlers: ``app.py`` wires it
in, and ``import mock_server.upstream.config`` loads no HTTP library (the settings import it).
"""
