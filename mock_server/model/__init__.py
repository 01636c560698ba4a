"""The domain model: the call center, scenarios, the replay cache, ids, the fault plan, the
journal, the change feed and the state that holds them.

No HTTP here: nothing in this package imports Starlette, connexion, uvicorn or httpx, nor
any other package of the mock (a test enforces it). Each part of the state is an async
interface with an in-memory implementation, so that a shared backend can take its place.
"""
