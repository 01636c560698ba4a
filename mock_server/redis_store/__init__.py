"""The mock's state in Redis, so that every worker and every host serves one state.

Each piece of ``MockState`` has a Redis twin here, with the same methods (async): the call
center (``RedisCallCenter``), the replay cache (``RedisReplay``), the journal
(``RedisJournal``) and the faults (``RedisFaults``). ``keys`` documents the key layout.
"""
