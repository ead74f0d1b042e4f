"""``python -m crisiskit`` runs the command line."""

from crisiskit.cli import main

main()
