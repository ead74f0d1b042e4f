"""compose/environment.py: templates read a dict's labels without a failed attribute lookup, and see what Jinja
shows."""

from __future__ import annotations

import pytest
from jinja2 import DictLoader, Environment, StrictUndefined
from jinja2.exceptions import UndefinedError

from crisiskit.compose.environment import LabelEnvironment

TEMPLATES = {
    "labels": "{{ t.colon }}|{{ t.nested.deeper }}|{{ t['items'] }}|{{ t.items is callable }}|{{ t.get is callable }}",
    "objects": "{{ o.name }}|{{ sub.shadowed }}|{{ sub.plain }}|{{ numbered[1] }}",
    "missing": "{{ t.absent }}",
}


class _Named:
    name = "attribute"


class _Sub(dict):
    shadowed = "attribute of a dict subclass"


def _render(environment: type[Environment], name: str) -> str:
    env = environment(loader=DictLoader(TEMPLATES), undefined=StrictUndefined)
    sub = _Sub(shadowed="key", plain="key of a dict subclass")
    values = {"colon": ": ", "nested": {"deeper": "deep"}, "items": "a key named items", "get": "a key named get"}
    return env.get_template(name).render(t=values, o=_Named(), sub=sub, numbered={1: "one"})


@pytest.mark.parametrize("name", ["labels", "objects"])
def test_templates_show_what_jinja_shows(name: str) -> None:
    assert _render(LabelEnvironment, name) == _render(Environment, name)


def test_a_missing_label_fails_as_in_jinja() -> None:
    for environment in (Environment, LabelEnvironment):
        with pytest.raises(UndefinedError, match="absent"):
            _render(environment, "missing")
