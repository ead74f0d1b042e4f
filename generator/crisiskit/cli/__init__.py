"""The command line on top of the pipeline."""
