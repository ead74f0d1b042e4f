"""The Jinja environment crisiskit's own templates render in (channel posts here, pages in render/escaping.py).

Templates read labels as ``{{ t.colon }}`` from plain dicts. Jinja's ``getattr`` prefers an attribute and
looks the name up as a key only after ``getattr`` failed: raising and catching AttributeError for every
label a page or post reads was most of a template's own cost. A plain dict has no attributes but dict's own
(``items``, ``get`` ...), so for any other name the key is what Jinja would give; those names, a missing
key and every other object go Jinja's way.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment

_DICT_NAMES = frozenset(dir(dict))


class LabelEnvironment(Environment):
    """``jinja2.Environment``, reading a plain dict's keys without first failing to find an attribute."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_NAMES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)
