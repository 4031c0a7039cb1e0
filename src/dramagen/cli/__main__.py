"""``python -m dramagen.cli``: the same as ``dramagen``."""

from . import main

main()
