"""crisiskit: YAML crisis definitions in, a consistent crisis communications kit out."""

__version__ = "0.1.0"
