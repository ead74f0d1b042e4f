"""Property tests: any text, any bytes, any YAML document, and any value planted anywhere in a valid kit,
read as a kit, ends in a result or a user error (UserError: printed with a position, exit 1), never in
another exception, and within a deadline per example.

In process, through load, validate, resolve, compose, the page renderer and every check rule; a few
examples through the real command line. Examples are derandomized so CI sees the same ones every run.
"""

from __future__ import annotations

import io
import re
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from hostile_support import AT, base_kit, crisiskit
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from crisiskit.checks.engine import run_checks
from crisiskit.compose.composed import SiteOptions
from crisiskit.errors import KitError
from crisiskit.model.load import load_file
from crisiskit.pipeline import compose, read_incidents
from crisiskit.render.pages import render_pages

SITE = SiteOptions("https://status.example.invalid/")
WHEN = datetime.fromisoformat(AT)
IN_PROCESS = settings(
    max_examples=60,
    deadline=timedelta(seconds=10),
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Characters that have meant something to some stage: YAML syntax, references, Markdown, HTML, bidi, invisible.
TRICKY = "{}%#|*&!:-[]<>`'\"\\\n\t {{ }} {% %} {# #} facts. \u202e\u2066\u200b\u200d\ufeff\u00ad\u0430\U0001f469"
texts = st.text(alphabet=st.one_of(st.characters(exclude_categories=["Cs"]), st.sampled_from(TRICKY)), max_size=200)
scalars = st.one_of(
    texts,
    st.integers(),
    st.integers(min_value=10**14, max_value=10**40),
    st.floats(),
    st.booleans(),
    st.none(),
    st.sampled_from(
        ["2026-11-20T09:00:00+08:00", "https://p\u0430ypal.com/", "{{ facts.affected_share }}", "{{ 7*7 }}", "con"]
    ),
)
KEYS = [
    "id",
    "title",
    "facts",
    "updates",
    "statement",
    "headline",
    "en",
    "zh-Hant",
    "revision",
    "status",
    "issued_at",
    "channels",
    "x",
    "sms",
    "faq",
    "question",
    "answer",
    "type",
    "value",
    "extends",
    "languages",
]
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=6), st.dictionaries(st.one_of(st.sampled_from(KEYS), texts), inner, max_size=6)
    ),
    max_leaves=40,
)


def _yaml(document: Any) -> str:
    stream = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.dump(document, stream)
    return stream.getvalue()


def _through_the_pipeline(content: str | bytes, name: str = "hostile") -> None:
    """load -> validate -> resolve -> compose -> render -> check on one kit file; only a UserError may escape."""
    with tempfile.TemporaryDirectory() as scratch:
        kits = Path(scratch) / "kits"
        kits.mkdir()
        path = kits / f"{name}.yml"
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        try:
            incidents = read_incidents([kits])
        except KitError as error:  # every problem located in the kit, on a line the file has
            lines = max(1, path.read_bytes().count(b"\n") + 1)
            assert error.problems and all(
                p.file.endswith("kits/hostile.yml") and 1 <= p.line <= lines and p.column >= 1 for p in error.problems
            ), error.lines()
            return
        event("reached compose")
        composed = compose(incidents, SITE)
        render_pages(composed, "review")
        run_checks(composed, WHEN, approvals=False)


@IN_PROCESS
@given(st.text(max_size=2000))
def test_any_text_is_a_kit_or_a_user_error(text: str) -> None:
    _through_the_pipeline(text)


@IN_PROCESS
@given(st.binary(max_size=2000))
def test_any_bytes_are_a_kit_or_a_user_error(data: bytes) -> None:
    _through_the_pipeline(data)


@IN_PROCESS
@given(documents)
def test_any_yaml_document_is_a_kit_or_a_user_error(document: Any) -> None:
    _through_the_pipeline(_yaml(document))


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    """Every key path in a loaded kit, containers included."""
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, path + (index,))
    return found


def _base() -> dict:
    """The base kit as the load stage reads it (timestamps kept as written, as YAML 1.2 plain data)."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "hostile.yml"
        path.write_text(base_kit("hostile"), encoding="utf-8")
        return load_file(path, "incident").data


BASE = _base()
PATHS = [p for p in _paths(BASE) if p]


def _planted(path: tuple, value: Any) -> dict:
    import copy

    kit = copy.deepcopy(BASE)
    node = kit
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return kit


def _at(path: tuple) -> Any:
    node: Any = BASE
    for part in path:
        node = node[part]
    return node


def _like(original: Any) -> st.SearchStrategy:
    """Mostly a value of the original's kind (so the kit stays valid and reaches the later stages), else anything."""
    if isinstance(original, str):
        alike = texts.filter(str.strip)
    elif isinstance(original, (int, float)):
        alike = st.one_of(st.integers(), st.floats())
    else:
        alike = documents
    return st.one_of(alike, alike, documents)


@settings(IN_PROCESS, max_examples=150)
@given(st.sampled_from(PATHS).flatmap(lambda path: st.tuples(st.just(path), _like(_at(path)))))
def test_any_value_anywhere_in_a_valid_kit_is_a_kit_or_a_user_error(planted: tuple[tuple, Any]) -> None:
    """The valid base kit with one value replaced: many examples reach compose, render and the checks."""
    _through_the_pipeline(_yaml(_planted(*planted)))


@IN_PROCESS
@given(st.sampled_from([p for p in PATHS if p[-1] in ("en", "zh-Hant", "headline")]), texts)
def test_any_text_in_a_statement_renders_or_is_refused(path: tuple, text: str) -> None:
    _through_the_pipeline(_yaml(_planted(path, text)))


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(documents)
def test_through_the_command_line(document: Any) -> None:
    """The same through `crisiskit check` in a capped child process: exit 0 or 1, never a traceback."""
    with tempfile.TemporaryDirectory() as scratch:
        kits = Path(scratch) / "kits"
        kits.mkdir()
        (kits / "hostile.yml").write_text(_yaml(_planted(("updates", 0, "statement"), document)), encoding="utf-8")
        result = crisiskit(Path(scratch), "check", "kits", "--at", AT)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr
    if result.returncode == 1:
        assert re.search(r"^kits/hostile\.yml:\d+:\d+ ", result.stderr, re.MULTILINE), result.stderr
