"""The bounds and the reference language at their edges, in process: each limit's last accepted value and
first refused one, and the decisions a corpus file cannot show on its own (why an emoji joiner passes, what
a configured limit accepts, that a reference is filled in and never evaluated)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.scanner import RoundTripScanner

from crisiskit.checks.characters import host_problem
from crisiskit.compose.fill import TextContext, UncheckedText
from crisiskit.errors import KitError
from crisiskit.model.bounds import Limits
from crisiskit.model.config import load_config
from crisiskit.model.load import load_file, load_kits
from crisiskit.model.references import find_references, scan
from crisiskit.model.schema.facts import _readable_number
from crisiskit.model.schema.types import MAX_ID_LENGTH, Text, describe, file_name_problem
from crisiskit.model.yamlparse import yaml_parser


def test_each_allowed_reference_form_is_found_where_it_stands() -> None:
    source = "A {{facts.a}} b {{ facts['b'] }} c {{ facts[\"c\"] }} d {{ next_update }} e {{\tstatement_url\n}}"
    found = find_references(source)
    assert [(r.name, r.attribute) for r in found] == [
        ("facts", "a"),
        ("facts", "b"),
        ("facts", "c"),
        ("next_update", None),
        ("statement_url", None),
    ]
    assert [source[r.offset : r.offset + len(r.name)] for r in found] == ["facts"] * 3 + [
        "next_update",
        "statement_url",
    ]
    assert scan(source).problems == ()


@pytest.mark.parametrize(
    "block",
    [
        "{{ 7*7 }}",
        "{{ facts.a|e }}",
        "{{ facts.a.b }}",
        "{{ facts['a']['b'] }}",
        "{{ facts[0] }}",
        "{{ x() }}",
        "{{ }}",
        "{{- facts.a }}",
        "{% if x %}",
        "{# c #}",
        "{{ facts.a }",
        "{{ facts.a {{ facts.b }}",
    ],
)
def test_anything_else_in_braces_is_unreadable(block: str) -> None:
    scanned = scan(f"Before {block} after.")
    assert len(scanned.problems) == 1 and scanned.problems[0].offset == len("Before ")


def test_a_reference_is_filled_in_by_substitution_and_nothing_is_evaluated() -> None:
    context = TextContext({"a": "{{ 7*7 }}", "b": "40"}, "20 November, 14:00", "https://s.example/x", "en")
    text = Text("{{ facts.a }} and {{ facts['b'] }}% by {{ next_update }}: {{ statement_url }}\r\n")
    assert context.render(text, "en") == "{{ 7*7 }} and 40% by 20 November, 14:00: https://s.example/x"
    with pytest.raises(UncheckedText):  # resolve refuses this first; rendering never falls back to an engine
        context.render(Text("{{ 7*7 }}"), "en")


@pytest.mark.parametrize(
    "value, accepted",
    [
        (999_999_999_999_999, True),
        (10**15, False),
        (-999_999_999_999_999, True),
        (0.125, True),
        (0.0625, False),
        (12.5, True),
        (float("nan"), False),
        (float("-inf"), False),
        (1e308, False),
        (99_999_999_999.99, True),
    ],
)
def test_numbers_at_the_edges_of_what_readers_see_exactly(value: float, accepted: bool) -> None:
    if accepted:
        assert _readable_number(value) == value
    else:
        with pytest.raises(Exception, match="from -999,999,999,999,999 to 999,999,999,999,999"):
            _readable_number(value)


def test_ids_at_the_length_limit_and_names_windows_reserves() -> None:
    assert file_name_problem("a" * MAX_ID_LENGTH) is None
    assert "65 characters" in file_name_problem("a" * (MAX_ID_LENGTH + 1))
    for name in ("con", "CON", "aux.backup", "com9", "lpt1", "nul "):
        assert "reserves" in file_name_problem(name), name
    for name in ("console", "com10", "auxiliary", "lpt", "null"):
        assert file_name_problem(name) is None, name


def test_messages_spell_out_what_a_terminal_would_obey_and_quote_one_short_line() -> None:
    assert describe("\x1b[2Jclear\u202e\nnext") == '"\\u001B[2Jclear\\u202E\\nnext"'
    assert len(describe("x" * 10_000)) == 62


@pytest.mark.parametrize(
    "url, problem",
    [
        ("https://status.acme.example/", None),
        ("https://中文.tw/", None),
        ("https://東京タワー-tokyo.jp/", None),
        ("https://p\u0430ypal.com/", "mixes Cyrillic and Latin"),
        ("https://xn--pypal-4ve.com/", "mixes Cyrillic and Latin"),
        ("https://\u0440\u0430\u0443\u0440\u0430\u04cf.com/", "look like Latin"),
        ("https://xn--zz.com/", "not a valid"),
        ("https://пример.рф/", None),
    ],
)
def test_host_names_in_one_script_pass_and_imitations_do_not(url: str, problem: str | None) -> None:
    found = host_problem(url)
    assert (found is None) if problem is None else (problem in found), found


def test_the_size_limit_comes_from_crisiskit_yml_and_is_checked(tmp_path: Path) -> None:
    (tmp_path / "kits").mkdir()
    (tmp_path / "kits" / "a.yml").write_text("id: a\n" + "# pad\n" * 3000, encoding="utf-8")
    (tmp_path / "crisiskit.yml").write_text("limits: {kit_bytes: 10000}\n", encoding="utf-8")
    assert load_config(tmp_path).kit_bytes == 10_000
    [problem] = load_kits([tmp_path / "kits"]).problems
    assert "at most 10,000 bytes" in problem.message and problem.line == 1667
    (tmp_path / "crisiskit.yml").write_text("limits: {kit_bytes: 100, kit_values: 9}\n", encoding="utf-8")
    with pytest.raises(KitError) as raised:
        load_config(tmp_path)
    assert [(p.line, p.column, p.path) for p in raised.value.problems] == [
        (1, 21, "limits.kit_bytes"),
        (1, 26, "limits.kit_values"),
    ]


def test_a_link_inside_the_kits_folder_is_read_and_one_leading_out_is_not(tmp_path: Path) -> None:
    kits = tmp_path / "kits"
    kits.mkdir()
    (kits / "real.txt").write_text("id: linked\n", encoding="utf-8")
    (kits / "linked.yml").symlink_to("real.txt")
    (tmp_path / "outside.yml").write_text("id: outside\n", encoding="utf-8")
    (kits / "out.yml").symlink_to(tmp_path / "outside.yml")
    loaded = load_kits([kits])
    assert [f.data for f in loaded.files] == [{"id": "linked"}]
    assert [p.file.rsplit("/", 1)[-1] for p in loaded.problems] == ["out.yml"]


def test_every_value_counts_at_every_alias_use(tmp_path: Path) -> None:
    path = tmp_path / "kit.yml"
    path.write_text("a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: [*a, *a, *a]\n", encoding="utf-8")
    # 42 values: the root, a and its nine items, b and three copies of a (ten each)
    assert load_file(path, "incident", Limits(values=42)).data["b"][2] == list(range(1, 10))
    problem = load_file(path, "incident", Limits(values=41))
    assert "at most 41 values" in problem.message and problem.path == "b[2][8]"


def _tokens(text: str, parser: YAML) -> list[tuple]:
    """Every token ruamel.yaml reads from ``text``: kind, value, both marks and the comments it carries."""
    found = []
    for token in parser.scan(text):
        start, end = token.start_mark, token.end_mark
        found.append((type(token).__name__, getattr(token, "value", None), start.index, start.line, start.column))
        found.append((end.index, end.line, end.column, repr(getattr(token, "_comment", None))))
    return found


@pytest.mark.parametrize(
    "text",
    [
        "# a comment\nid: a # after\n\n\n# more\n  # indented\nlist:\n- 1 # one\n",
        "\ufeff# BOM first\r\nid: a\r\n# CRLF\r\n\r\nx: 1\r\n",
        "id: a\r# old Mac line ends\rx: 1\r",
        "id: a # next line\x85x: [1, # in flow\n  2] # no line break at the end",
        "a: {b: 1,\t# tab in flow\u2028c: 2}\u2029# paragraph separator\n",
        "a: 1 # line separator\u2028b: 2 # paragraph separator\u2029c: 3\n",
        "#\n#\n\n\n#" + "x" * 5000 + "\n",
    ],
)
def test_comments_are_read_as_ruamel_reads_them(text: str) -> None:
    """The load stage reads a comment line at once (a 900 KB one took 15 s one character at a time): same tokens."""
    theirs = YAML(typ="rt")
    theirs.Scanner = RoundTripScanner
    assert _tokens(text, yaml_parser(Limits())) == _tokens(text, theirs)
