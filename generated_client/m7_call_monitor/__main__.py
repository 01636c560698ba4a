"""``python -m m7_call_monitor`` runs the ``m7`` command."""

from .cli import main

raise SystemExit(main())
