"""A vendor-strict mock of the 7moor V7 call-monitoring OpenAPI.

Run it with ``make mock``, ``m7-mock`` or ``python -m mock_server``; build it in a test with
:func:`mock_server.app.create_app`. ``app`` lists the layers a request goes through.
"""
