"""The C reading of a kit (model/yamlfast.py) gives what ruamel.yaml gives, or steps aside.

Wherever ``fast_parse`` reads a text, its values (types included), key order and the line and column
of every key and value must equal those of the ruamel.yaml reading (yamlparse), for every YAML file
crisiskit ships and every fixture of the suite; whatever it does not read exactly (anchors, tags,
empty values, duplicate keys, tabs ...) it must decline, so ruamel.yaml still reads it and reports it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import crisiskit
from crisiskit.model import load
from crisiskit.model.bounds import Limits
from crisiskit.model.yamlfast import fast_parse
from crisiskit.model.yamlparse import Converter, Positions, yaml_parser

LIMITS = Limits()
TESTDATA = Path(__file__).parent / "testdata"


def ruamel_reading(text: str) -> tuple[object, Positions]:
    positions = Positions()
    positions.values[()] = (1, 1)
    return Converter(positions, LIMITS).plain(yaml_parser(LIMITS).load(text), ()), positions


def assert_same(text: str) -> None:
    fast = fast_parse(text, LIMITS)
    assert fast is not None, text
    data, positions = ruamel_reading(text)
    assert repr(fast[0]) == repr(data)  # values, their types (1 is not True) and key order
    assert list(fast[1].values.items()) == list(positions.values.items())
    assert list(fast[1].keys.items()) == list(positions.keys.items())


def shipped_yaml() -> list[Path]:
    package = Path(crisiskit.__file__).parent
    return sorted([*package.rglob("*.yml"), *TESTDATA.rglob("*.yml"), *TESTDATA.rglob("*.yaml")])


def test_every_shipped_and_fixture_file_reads_the_same_or_is_declined() -> None:
    read = 0
    for path in shipped_yaml():
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
        if fast_parse(text, LIMITS) is None:
            continue
        assert_same(text)
        read += 1
    assert read > 50  # the scenarios, data tables and fixture kits: the common kit is read in C


ACCEPTED = [
    "a: 1\nb: -0\nc: +5\nd: 1.50\ne: 2026-01-01\nf: 12:30\ng: NO\nh: null\ni: Null\nj: ~\nk: TRUE\nl: fAlse\n",
    "\"quoted key\": x\n'single': y\n? explicit\n: value\n",
    "f: >\n  folded\n  text\n\n    more indented\n  back\n\n\nz: 1\n",
    "f: >-\n  a\n  b\ng: |+\n  keep\n\nh: |2-\n    x\n",
    "plain: multi\n  line\n  plain\n\n  para\n",
    "---\na: [1, 2, {b: c, d: [e]}]\n...\n",
    "a:\n- x\n- y:\n    z: 1\n  w: 2\n- - n\n  - m\n",
    "a: \"esc \\u00e9 \\x41 \\n \\\" end\"\nb: 'it''s'\n",
    "a: x # comment\n# c\nb:    y   \n",
    'a: 中文：內容\nb: {en: "x", zh-Hant: 顧客}\nc: "\\U0001F600 😀"\n😀x: y\n',
    "a: http://x.y/z?q=1#f\nb: {u: http://a.b}\nc: +886 2 2700 8800\n",
    'a: 123456789012345\nkey with spaces: v\n"": empty key\n',
    "a:\n  b:\n    c:\n      d: [x,\n        y]\ne: {x: 1,\n  y: 2}\n",
    "a: ['x', \"y\", z]\nb: []\nc: {}\nd: ''\n",
]

DECLINED = [
    "a: &x 1\nb: *x\n",  # anchors and aliases
    "a: !!str 1\n",  # a tag
    "a: !custom x\n",
    "a:\n",  # an empty value
    "a: b\na: c\n",  # a duplicate key
    "1: x\n",  # a key that is not text
    "<<: {a: 1}\n",  # a merge key
    "a: 1e3\n",  # numbers other than plain decimals
    "a: 0x1f\n",
    "a: 1_000\n",
    "a: 007\n",
    "a: .inf\n",
    "a: 1234567890123456\n",  # more digits than a kit allows: ruamel.yaml's path says so
    "a:\tb\n",  # a tab
    "a: b\r\nc: d\r\n",  # a carriage return
    "a: b\u2028c\n",  # a line break of YAML 1.1 only
    "%YAML 1.2\n---\na: b\n",  # a directive
    "a: b\n---\nc: d\n",  # two documents
    "- a\n",  # not a mapping
    "",
    "# only a comment\n",
    "a: [\n",  # a syntax error
    "a: b: c\n",
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_what_is_read_in_c_equals_ruamel_yaml(text: str) -> None:
    assert_same(text)


@pytest.mark.parametrize("text", DECLINED)
def test_what_is_not_read_exactly_is_left_to_ruamel_yaml(text: str) -> None:
    assert fast_parse(text, LIMITS) is None


def test_a_kit_loads_the_same_with_and_without_the_c_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    kits = sorted((TESTDATA / "site" / "kits").glob("*.yml"))
    assert kits
    for kit in kits:
        load._parse.cache_clear()
        fast = load.load_file(kit, "incident")
        load._parse.cache_clear()
        with monkeypatch.context() as patched:
            patched.setattr(load, "fast_parse", lambda text, limits: None)
            slow = load.load_file(kit, "incident")
        load._parse.cache_clear()
        assert isinstance(fast, load.SourceFile) and isinstance(slow, load.SourceFile)
        assert repr(fast.data) == repr(slow.data)
        assert fast.positions == slow.positions and fast.lines == slow.lines
