"""``python -m kg`` runs the ``mrkg`` command line."""

from .cli import main

main()
