"""``python -m m7_contract``: the same as the ``m7-contract`` command."""

import sys

from m7_contract.cli import main

sys.exit(main())
