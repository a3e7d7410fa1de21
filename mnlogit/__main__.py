"""``python -m mnlogit``: the same as the ``mnlogit`` command."""

import sys

from .cli import main

sys.exit(main())
