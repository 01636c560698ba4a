"""The parts of `make bench` (scripts/bench.py), one module per idea.

`scripts/bench.py` stays the entry point (its options, `serve-ceiling`); this package holds
what it runs, each module readable alone:

* ``common``: where the files are, the demo account, the one request measured, the targets;
* ``ceiling``: the bare Starlette app, the ceiling of a Python ASGI server here;
* ``signatures``: pre-signed requests that never repeat a ``sign + nonce`` pair;
* ``processes``: the servers under test, started in their own process group, always stopped;
* ``load``: wrk rounds against each target and their summaries;
* ``costs``: the client's cost per call, one signature, cold starts, ``make generate``;
* ``profile``: where the mock's CPU goes per request (py-spy);
* ``report``: the Markdown tables, the docs section, the machine;
* ``runner``: one run from start to exit status.

Named ``benchmarks``, not ``bench``: ``scripts/bench/`` holds the wrk Lua script, and a
package named like the script would hide one of them from mypy. The script imports it as
``scripts.benchmarks`` (the repository root is on the path), the name mypy gives these files;
inside, the modules import each other relatively.
"""
