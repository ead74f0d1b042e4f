"""Run in an engine worker by tests/test_engine.py: what the worker inherited from the fork server.

A module of its own, importing nothing at its top, so the worker imports nothing for it before it looks.
"""

from __future__ import annotations


def inherited() -> tuple[list[str], dict[str, str]]:
    """crisiskit's modules loaded before the job ran, and the leak scan's texts known ahead (leaks.KNOWN_TEXTS)."""
    import sys

    loaded = sorted(name for name in sys.modules if name.startswith("crisiskit."))
    from crisiskit.publish.leaks import KNOWN_TEXTS

    return loaded, dict(KNOWN_TEXTS)
