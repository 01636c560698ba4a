"""The parts of `make bench` (scripts/bench.py), one module per idea.

They measure and do nothing else: a missing tool (wrk) is reported with the command that
installs it, never installed; results go to ``build/bench/``, and ``docs/benchmarks.md`` is
rewritten only with ``--write-docs`` (`make bench-docs`).

`scripts/bench.py` stays the entry point (its options, `serve-ceiling`); this package holds
what it runs, each module readable alone:

* ``common``: where the files are, the demo account, the one request measured, the targets;
* ``ceiling``: the bare Starlette app, the ceiling of a Python ASGI server here;
* ``signatures``: pre-signed requests that never repeat a ``sign + nonce`` pair;
* ``processes``: the servers under test, started in their own process group, always stopped;
* ``load``: wrk rounds against each target and their summaries (``signed_requests.lua``,
  wrk's request script, lies beside it);
* ``costs``: the client's cost per call, one signature, the mock's cold start;
* ``request_cost``: the per-request cost inside the app, our code against the framework's,
  for this checkout and (``--before REF``) another;
* ``report``: the Markdown tables, the docs section, the machine;
* ``runner``: one run from start to exit status.

Named ``benchmarks``, not ``bench``: a package named like the script would hide one of them
from mypy. The script imports it as
``scripts.benchmarks`` (the repository root is on the path), the name mypy gives these files;
inside, the modules import each other relatively.
"""
