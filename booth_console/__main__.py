"""``python -m booth_console`` is the same as the ``booth-console`` command."""

import sys

from booth_console.cli import main

sys.exit(main())
