"""The operations: the vendor's five (``vendor``) and the admin API's (``admin``).

Each handler is ``async (state, record, [path parameters], [body]) -> Answer``: it gets the
state and the request record as arguments (no global lookup), its body already validated,
and returns a finished answer. Handlers know nothing of connexion or Starlette.
"""
