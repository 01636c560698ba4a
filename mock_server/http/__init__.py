"""The pure ASGI layers in front of the operations, and what they share.

``record`` (the per-request record), ``envelope`` (the one way to answer), ``lifecycle``,
``cors``, ``admin_guard``, ``faults`` (the only uvicorn coupling), ``body_guard``, ``auth``,
``prefer`` and ``access_log``. They may import the model, never connexion nor
``mock_server.documents`` (a test enforces it): what they need from the documents is handed to
them at start-up.
"""
