"""``python -m crisiskit`` runs the command line (the same entry point as the ``crisiskit`` script)."""

from crisiskit.cli.main import main

main(prog_name="crisiskit")
