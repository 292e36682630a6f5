"""``python -m game`` does what the ``glutes-high`` command does."""

import sys

from game.cli import main

sys.exit(main())
