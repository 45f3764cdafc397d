"""``python -m core.cli``: the studio's commands, headless (see :mod:`core.cli.main`)."""

import sys

from core.cli.main import main

sys.exit(main())
