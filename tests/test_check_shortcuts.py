"""`check` from nothing takes shortcuts (issue 12); each gives exactly what the long way gives.

- The record in kit.json: an entry exactly equal to a text composed this run (same structure and the same
  type at every node) is verified without hashing it; any other entry is hashed as before, so a hand edit
  (a changed word, 2 for 2.0 or "2", false for null) is the same problem at the same place.
- SMS lengths without a character costing two units are counted without packing parts one by one.
- A text without an emoji code point skips the search for emoji sequences.
- The TLD table is read in C (model/yamlfast.py) to the same names.
- The rules that read every text of an incident share one walk (model/origin.walked_texts); the walk itself
  skips values that cannot hold a text.
- Kits are judged in batches that cover every kit once, in order.
- A kit or kit.json is read asking for its size (and a byte more), not for the whole limit.

The fixture is tests/testdata/site (four incidents, en and zh-Hant), composed in process.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import asdict, fields, is_dataclass
from pathlib import Path
from typing import Any

import pytest
import regex

from crisiskit import pipeline
from crisiskit.cache import read_regular
from crisiskit.compose import record as record_module
from crisiskit.compose.composed import ComposedIncident, SiteOptions, compose_incident
from crisiskit.compose.record import read_entries, read_record
from crisiskit.compose.revision import revision_plain
from crisiskit.counting import sms, xcount
from crisiskit.datafiles import load_data
from crisiskit.model.incident import Incident
from crisiskit.model.origin import walk_texts, walked_texts
from crisiskit.model.schema.facts import Fact
from crisiskit.model.schema.types import Text
from crisiskit.pipeline import read_incidents

FIXTURE = Path(__file__).parent / "testdata" / "site"
SITE = SiteOptions("https://status.example.invalid/")
SHOWN = "content/incidents/x/kit.json"


@pytest.fixture(scope="module")
def composed() -> list[ComposedIncident]:
    return [compose_incident(incident, SITE) for incident in read_incidents([FIXTURE / "kits"])]


def _record(item: ComposedIncident) -> dict[str, Any]:
    """kit.json's shape: each revision's texts under the hash its approvals name, and an older approved text."""
    revisions = [
        {
            "revision": number,
            "text_hash": item.hashes[number],
            "languages": {lang: asdict(text) for lang, text in texts.items()},
            "facts": {},
        }
        for number, texts in item.texts.items()
    ]
    first = revisions[0]
    revisions[-1]["approved_texts"] = {first["text_hash"]: {"languages": first["languages"], "facts": {}}}
    return {"revisions": revisions}


def _known(item: ComposedIncident) -> dict[str, list]:
    return {item.hashes[n]: revision_plain(list(texts.values())) for n, texts in item.texts.items()}


def _tampered(data: dict[str, Any], how: str) -> dict[str, Any]:
    """The record with one entry changed as a hand edit might change it."""
    data = json.loads(json.dumps(data))
    entry = data["revisions"][0]["languages"]
    text = entry[sorted(entry)[0]]
    if how == "word":
        text["headline"] = "UNAPPROVED " + text["headline"]
    elif how == "float":
        text["number"] = float(text["number"])
    elif how == "string":
        text["number"] = str(text["number"])
    elif how == "false-for-null":
        text["posts"][0]["subject"] = False
    elif how == "zero-for-null":
        text["posts"][0]["preheader"] = 0
    elif how == "extra-key":
        text["extra"] = None
    elif how == "reordered":  # the same text with its keys in another order: still the approved text
        entry[sorted(entry)[0]] = dict(reversed(list(text.items())))
    elif how == "older-entry":
        older = data["revisions"][-1]["approved_texts"]
        next(iter(older.values()))["languages"][sorted(entry)[0]]["title"] += "!"
    elif how == "not-texts":
        data["revisions"][0]["languages"] = {"en": ["a list"]}
    elif how == "no-languages":
        data["revisions"][0]["languages"] = {}
    return data


HOW = ["none", "word", "float", "string", "false-for-null", "zero-for-null", "extra-key", "reordered"]


@pytest.mark.parametrize("how", [*HOW, "older-entry", "not-texts", "no-languages"])
def test_a_record_verified_against_todays_texts_is_the_record_hashing_verifies(
    composed: list[ComposedIncident], how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashed = []
    original = record_module.snapshot_hash
    monkeypatch.setattr(record_module, "snapshot_hash", lambda languages: hashed.append(1) or original(languages))
    for item in composed:
        raw = json.dumps(_tampered(_record(item), how), ensure_ascii=False, indent=2).encode()
        expected = read_record(raw, SHOWN)
        hashed.clear()
        assert read_entries(raw, SHOWN).verified(_known(item)) == expected, (item.incident.id, how)
        if how in ("none", "reordered"):
            assert expected.problems == () and not hashed  # every entry was one of today's texts
        elif how not in ("not-texts", "no-languages"):
            assert len(expected.problems) == 1 and len(hashed) == 1, expected  # the edited entry alone is hashed
        assert compose_incident(item.incident, SITE, None, read_entries(raw, SHOWN)) == compose_incident(
            item.incident, SITE, None, expected
        )


def test_only_identical_values_count_as_the_same_text() -> None:
    identical = record_module._identical
    assert identical({"a": [1, None, "x", True]}, {"a": [1, None, "x", True]})
    for a, b in [(1, 1.0), (1, True), (0, False), (None, False), ("1", 1), ([1], (1,)), ({"a": 1}, {"a": 1, "b": 2})]:
        assert not identical(a, b) and not identical(b, a), (a, b)
    assert not identical(0.0, 0.0) and not identical(0.0, -0.0)  # floats are hashed, never taken as identical


def _sms_by_characters(text: str) -> tuple[str, int, int]:
    """The SMS length as the packing loop gives it, one character at a time."""
    gsm7 = all(sms.is_gsm7(ch) for ch in text)
    costs = [(2 if ch in sms.GSM7_EXTENSION else 1) if gsm7 else (2 if ord(ch) > 0xFFFF else 1) for ch in text]
    encoding = "gsm7" if gsm7 else "ucs2"
    units = sum(costs)
    if units <= sms.SINGLE[encoding]:
        return encoding, units, 1 if units else 0
    parts, used = 1, 0
    for cost in costs:
        if used + cost > sms.PART[encoding]:
            parts, used = parts + 1, 0
        used += cost
    return encoding, units, parts


def test_sms_lengths_counted_in_one_go_equal_packing_every_character() -> None:
    chance = random.Random(12)
    edges = [n * k for n in (153, 160, 67, 70) for k in (1, 2, 3)]
    lengths = [0, 1, *edges, *(n + 1 for n in edges), *(n - 1 for n in edges)]
    for alphabet in ("ab c", "ab^€", "ab中", "ab😀", "ab中😀^\n"):
        for length in [*lengths, *(chance.randint(0, 700) for _ in range(200))]:
            text = "".join(chance.choice(alphabet) for _ in range(length))
            found = sms.sms_length(text)
            assert (found.encoding, found.units, found.parts) == _sms_by_characters(text), (alphabet, length)


def _emoji_by_cluster(text: str) -> dict[int, int]:
    spans = {}
    for match in regex.finditer(r"\X", text):
        cluster = match.group(0)
        if xcount._EMOJI.search(cluster) and not (cluster[0] in "©®" and "\ufe0f" not in cluster):
            spans[match.start()] = match.end()
    return spans


@pytest.mark.parametrize("text", ["plain text", "中文", "© ®", "©\ufe0f and ®", "a 😀 b", "1\u20e3", "🇹🇼 x", ""])
def test_a_text_without_emoji_code_points_has_no_emoji_spans(text: str) -> None:
    assert xcount._emoji_spans(text) == _emoji_by_cluster(text)


def test_the_tld_table_read_in_c_gives_the_names_ruamel_yaml_gives() -> None:
    data = load_data("tlds.yml")
    names = {*data["generic"], *data["country"], *data["idn"].values(), *data["reserved"]}
    assert xcount.top_level_domains() == tuple(sorted(names, key=lambda name: (-len(name), name)))


def _walk_everything(value: Any, path: tuple = ()) -> list[tuple[tuple, Text]]:
    """walk_texts without its shortcut for values that hold no text."""
    if isinstance(value, Text):
        return [(path, value)]
    found: list[tuple[tuple, Text]] = []
    if hasattr(type(value), "model_fields"):
        for name in type(value).model_fields:
            found += _walk_everything(getattr(value, name), path + (name,))
    elif is_dataclass(value) and not isinstance(value, (type, Fact)):
        for item in fields(value):
            found += _walk_everything(getattr(value, item.name), path + (item.name,))
    elif isinstance(value, dict):
        for key, item in value.items():
            found += _walk_everything(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _walk_everything(item, path + (index,))
    elif isinstance(value, Fact):
        if isinstance(value.value, (list, Text)):
            found += _walk_everything(value.value, path)
        if value.description is not None:
            found.append((path + ("describe",), value.description))
    return found


def test_one_walk_of_an_incident_serves_every_rule_and_finds_every_text(composed: list[ComposedIncident]) -> None:
    incidents: list[Incident] = [item.incident for item in composed]
    for incident in incidents:
        everything = _walk_everything(incident)
        assert len(everything) > 30
        assert [(p, id(t)) for p, t in walk_texts(incident)] == [(p, id(t)) for p, t in everything]
        assert walked_texts(incident) == tuple(everything)
        assert walked_texts(incident) is walked_texts(incident)  # remembered for the objects walked last
    assert walked_texts(incidents[0]) != walked_texts(incidents[1])  # another incident: walked afresh


@pytest.mark.parametrize("count", [0, 1, 5, 8, 9, 40, 333, 1000])
@pytest.mark.parametrize("most", [1, 32])
def test_check_batches_cover_every_kit_once_in_order(count: int, most: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "COMPOSE_BATCH", most)
    batches = pipeline._check_batches(list(range(count)))
    assert [kit for batch in batches for kit in batch] == list(range(count))
    assert all(len(batch) <= most for batch in batches)
    assert len(batches[0]) <= pipeline.CHECK_WARM_UP
    sizes = [len(batch) for batch in batches[1:]]
    assert sizes == sorted(sizes, reverse=True)  # shrinking towards the end, so both workers finish together


@pytest.mark.parametrize("size", [0, 1, 9, 10, 11, 4096])
def test_a_file_is_read_whole_up_to_the_limit_and_refused_past_it(tmp_path: Path, size: int) -> None:
    path = tmp_path / "kit.json"
    path.write_bytes(bytes(range(256)) * (size // 256) + bytes(size % 256))
    assert read_regular(path, limit=10) == (path.read_bytes() if size <= 10 else None)
    assert read_regular(path) == path.read_bytes()


def test_a_file_that_grows_while_it_is_read_is_read_to_its_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The size is looked at first; a file that grew since is still read as far as the limit, as before."""
    path = tmp_path / "kit.json"
    path.write_bytes(b"12345")
    real = os.fstat

    def stale(fd: int) -> os.stat_result:  # the size as it was, then the file grows
        info = real(fd)
        with path.open("ab") as more:
            more.write(b"67890")
        return os.stat_result((info.st_mode, *info[1:6], 5, *info[7:]))

    monkeypatch.setattr(os, "fstat", stale)
    assert read_regular(path, limit=10) == b"1234567890"
    path.write_bytes(b"12345")
    assert read_regular(path, limit=9) is None  # grown past the limit


_X_PIECES = [
    "Read more: https://status.example.invalid/en/incidents/recall-0001/",
    "example.de/recall",
    "t.co/abc",
    "https://t.co/" + "a" * 45,
    "中文字符",
    "👍🏽",
    "🇹🇼",
    "©",
    "©\ufe0f",
    "\u2013\u2019\u201c",
    "\ufeff",
    "\ufffe",
    "\r\n",
    "e\u0301",
    "a.a.a",
    "x" * 140,
    "界" * 140,
    " ",
    "\n\n",
    "Next update: 14:30",
]


def _x_texts() -> list[str]:
    """Texts around every boundary the quick count has: URLs, emoji, heavy code points, invalid ones, the limit."""
    rng = random.Random(12)
    texts = ["", *_X_PIECES]
    texts += [rng.choice(_X_PIECES) + rng.choice(_X_PIECES) for _ in range(150)]
    texts += ["".join(rng.choice(_X_PIECES) for _ in range(rng.randint(2, 6))) for _ in range(150)]
    texts += ["a" * n for n in (279, 280, 281)] + ["界" * n for n in (139, 140, 141)]
    texts += [case["text"] for cases in _suite().values() for case in cases]
    return texts


def _suite() -> dict[str, list[dict[str, Any]]]:
    from ruamel.yaml import YAML

    suite = Path(__file__).parent / "testdata" / "twitter_conformance" / "validate_v3.yml"
    return YAML(typ="safe").load(suite.read_text(encoding="utf-8"))


def test_x_weights_counted_run_by_run_equal_the_walk_code_point_by_code_point(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _x_texts()
    xcount.parse_post.cache_clear()
    quick = [xcount.parse_post(text) for text in texts]
    assert sum(xcount._quick_total(text, {}, {}) is not None for text in texts) > 100  # the shortcut is taken
    xcount.parse_post.cache_clear()
    monkeypatch.setattr(xcount, "_quick_total", lambda *_: None)  # the long way for every text
    walked = [xcount.parse_post(text) for text in texts]
    xcount.parse_post.cache_clear()
    assert quick == walked


def _yaml_texts() -> list[str]:
    """Every kit and scenario of the fixtures, and variants whose keys and plain values repeat across files."""
    root = Path(__file__).parent / "testdata"
    texts = []
    for path in sorted(root.rglob("*.yml")):
        try:
            texts.append(path.read_bytes().decode("utf-8"))
        except UnicodeDecodeError:  # a fixture of a file that is not UTF-8: the reading never gets that far
            continue
    texts += [
        "a: 1\nb: 01\nc: 1.5\nd: true\ne: True\nf: NO\ng: null\nh: ~\ni: 12:30\nj: 2026-11-20\nk: '1'\n",
        "a: 1\na: 2\n",
        "en: x\nzh-Hant: y\nlist: [en, 1, 2.0, false]\nnested: {en: {en: {en: z}}}\n",
        "- a\n- b\n",
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a:\n",
        "a: {1: b}\n",
    ]
    return texts


def test_the_c_reading_with_remembered_keys_and_values_equals_the_reading_without(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """model/yamlfast.py remembers each key's text and each plain value's meaning: reading every text again with
    nothing remembered (each key and value worked out afresh) gives the same data and positions, or None alike."""
    from crisiskit.model import yamlfast
    from crisiskit.model.bounds import Limits

    texts = _yaml_texts()
    limits = [Limits(), Limits(values=40, depth=4, digits=2)]
    remembered = [yamlfast.fast_parse(text, limit) for limit in limits for text in texts * 2]
    monkeypatch.setattr(yamlfast, "_plain", yamlfast._plain.__wrapped__)
    monkeypatch.setattr(yamlfast, "_key_name", yamlfast._key_text)
    afresh = [yamlfast.fast_parse(text, limit) for limit in limits for text in texts * 2]
    assert sum(result is not None for result in remembered) > 50
    assert sum(result is None for result in remembered) >= 8
    for one, other in zip(remembered, afresh, strict=True):
        assert (one is None) == (other is None)
        if one is not None and other is not None:
            assert one[0] == other[0] and type(one[0]) is type(other[0])
            assert one[1].values == other[1].values and one[1].keys == other[1].keys
            assert repr(one[0]) == repr(other[0])  # 1 and True, 1 and 1.0 told apart


def test_judging_kits_makes_no_reference_cycles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A check worker runs without the cycle collector (pipeline._no_cycle_collector): judging a batch of kits
    leaves nothing for it to free, so the collector would find no garbage there."""
    import gc
    from datetime import datetime

    from crisiskit.cache import CheckCache
    from crisiskit.model.load import discover
    from sites import copy_project

    project = copy_project(tmp_path / "project")
    monkeypatch.chdir(project)
    kit = project / "kits" / "delivery-delay.yml"
    text = kit.read_text(encoding="utf-8")
    edited = text.replace(  # findings to make: a number typed in (CK201) and another status (CK205)
        "        en: Orders placed between",
        "        en: About 4,200 parcels were late; resolved. Orders placed between",
        1,
    )
    assert edited != text
    kit.write_text(edited, encoding="utf-8")
    files = discover([Path("kits")])
    site = pipeline.read_site_options(project)
    cache = CheckCache.open(project, site.url, [path for path, kind, _ in files if kind == "scenario"])
    assert cache is not None
    kits = pipeline._kit_files(files)
    assert kits is not None and len(kits) == 4
    batch = [(shown, (path, data)) for path, shown, data in kits]
    at = datetime.fromisoformat("2026-12-02T12:00:00+08:00")
    assert isinstance(pipeline._judge_kits(batch, cache, site, at, project), list)  # compiles, loads, remembers
    gc.collect()
    gc.disable()
    try:
        for _ in range(2):
            judged = pipeline._judge_kits(batch, cache, site, at, project)
            assert isinstance(judged, list) and len(judged) == 4
            assert sum(len(found) for _, _, found in judged) >= 1
        del judged
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_an_incidents_texts_are_listed_once_for_every_rule(composed: list[ComposedIncident]) -> None:
    from crisiskit.checks import sources

    for item in composed:
        listed = sources.kit_texts(item.incident)
        assert listed == tuple(sources._kit_texts(item.incident))  # the long way: listed afresh
        assert all(a.text is b.text for a, b in zip(listed, sources._kit_texts(item.incident), strict=True))
        assert sources.kit_texts(item.incident) is listed  # remembered for the incidents listed last
    assert sources.kit_texts(composed[0].incident) != sources.kit_texts(composed[1].incident)


def test_a_scenarios_texts_outside_its_statements_are_walked_once_for_every_incident() -> None:
    from crisiskit.model import resolve
    from crisiskit.model.load import load_kits
    from crisiskit.model.schema.kit import ScenarioKit
    from crisiskit.model.validate import validate_kits

    validated = validate_kits(load_kits([FIXTURE / "kits"]))
    models = [kit.model for kit in validated.kits]
    assert any(isinstance(model, ScenarioKit) for model in models)
    for model in models:
        copy = model.model_copy(update={"statements": {}} if isinstance(model, ScenarioKit) else {"updates": []})
        afresh = [(path, id(text)) for path, text in _walk_everything(copy)]
        assert [(path, id(text)) for path, text in resolve._revision_free_texts(model)] == afresh
        assert (resolve._revision_free_texts(model) is resolve._revision_free_texts(model)) == isinstance(
            model, ScenarioKit
        )


def test_language_problems_decided_from_the_mapping_are_those_of_the_languages_listed() -> None:
    from crisiskit.model.origin import Origin
    from crisiskit.model.schema.types import Name
    from crisiskit.model.validate import language_problems

    texts = [Text("one"), Name("one"), Text({"en": "a"}), Text({"en": "a", "zh-Hant": "b"}), Text({"fr": "c"})]
    for number, text in enumerate(texts, 1):
        text.origin = Origin("kit.yml", number, 3, f"texts[{number}]")
    for languages in (["en"], ["en", "zh-Hant"], ["zh-Hant", "en", "fr"]):
        expected = []
        for text in texts:  # the long way, by Text.languages()
            given = text.languages()
            if given is None:
                if len(languages) > 1 and not text.single_means_all:
                    expected.append(
                        text.origin.problem(
                            f"expected a text in each of {', '.join(languages)}; got one string "
                            f"(write it as a mapping: {languages[0]}: ..., {languages[1]}: ...)"
                        )
                    )
                continue
            missing = [lang for lang in languages if lang not in given]
            if missing:
                expected.append(
                    text.origin.problem(
                        f"expected a text in each of {', '.join(languages)}; got no {', '.join(missing)}"
                    )
                )
        assert language_problems(texts, languages) == expected


def test_the_sms_encoding_found_by_one_search_is_that_of_the_character_sets() -> None:
    rng = random.Random(7)
    gsm = sorted(sms.GSM7_BASIC | sms.GSM7_EXTENSION)
    others = [*"\u2019中é\x00\t\ufeff", *(chr(code) for code in range(0, 0x250))]
    texts = ["".join(rng.choice(gsm + others) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    texts += ["".join(rng.choice(gsm) for _ in range(rng.randint(0, 200))) for _ in range(1000)]
    for text in texts:  # the long way: the characters in neither table
        expected = "ucs2" if set(text).difference(sms.GSM7_BASIC, sms.GSM7_EXTENSION) else "gsm7"
        assert sms.encoding_of(text) == expected, text
    assert {sms.encoding_of(text) for text in texts} == {"gsm7", "ucs2"}


def _states_the_long_way(said: str, value: str) -> bool:
    """checks/notices.py's test as it was: one pattern per pair, searched in the spaced text."""
    text = " ".join(said.split())
    words = r"\s+".join(regex.escape(w) for w in value.split())
    return regex.search(rf"(?<![\d.,])(?<!\d[.,]){words}(?![\d]|[.,]\d)", text) is not None


def test_whether_a_notice_states_a_value_is_decided_as_the_long_way_decides_it() -> None:
    """A notice and the e-mail are compared value by value (CK801): a value whose spaced words are not in the
    spaced text is not stated, without a pattern; every other pair is searched as before."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from crisiskit.checks.notices import _stated, _states

    pieces = st.sampled_from(
        ["4,180", "4", "180", "1.5", ".", ",", " ", "\n", "\u3000", "\t", "NT$300", "新臺幣 300 元"]
    )
    words = st.lists(st.one_of(pieces, st.text(alphabet="ab1 .,\u00a0", max_size=4)), max_size=8).map("".join)

    @settings(max_examples=400, deadline=None, derandomize=True)
    @given(said=words, value=words.filter(str.strip))
    def agree(said: str, value: str) -> None:
        assert _states(said, value) == _states_the_long_way(said, value)
        assert _stated(said, [value, "4,180", value.strip()]) == {
            v: _states_the_long_way(said, v) for v in [value, "4,180", value.strip()]
        }

    agree()
    said = "We will credit NT$300 to 4,180 customers.\nCall 0800 000 123 (09:00  to 21:00)."
    for value, expected in [("4,180", True), ("180", False), ("4", False), ("0800 000\t123", True), ("21:00", True)]:
        assert _states(said, value) is expected is _states_the_long_way(said, value)


def test_a_revisions_remembered_context_is_the_context_made_afresh(composed: list[ComposedIncident]) -> None:
    """Composing and the notice rules share one context per revision, language and address (compose/fill.py);
    it equals the one made afresh, and a changed revision (another object) gets its own."""
    from dataclasses import replace

    from crisiskit.compose import fill

    for item in composed:
        for revision in item.incident.revisions:
            for language, text in item.texts[revision.number].items():
                context = fill.text_context(item.incident, revision, language, text.statement_url)
                assert context == fill._text_context(item.incident, revision, language, text.statement_url)
                assert fill.text_context(item.incident, revision, language, text.statement_url) is context
                other = fill.text_context(item.incident, revision, language, text.statement_url + "x/")
                assert other.statement_url == text.statement_url + "x/"
                changed = replace(revision, facts={}, next_update_at=None)
                assert fill.text_context(item.incident, changed, language, text.statement_url) == (
                    fill._text_context(item.incident, changed, language, text.statement_url)
                )
                assert fill.text_context(item.incident, changed, language, text.statement_url).facts == {}


def test_a_notices_remembered_elements_are_the_elements_read_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """A notice's elements are read once for composing it and for CK801 and CK802 (compose/notices.py): equal to
    those read afresh, for today's text and for a text that differs in what the elements read."""
    from dataclasses import replace
    from datetime import datetime

    from crisiskit.checks.engine import run_checks
    from crisiskit.compose import notices
    from crisiskit.compose.fill import text_context
    from crisiskit.model.channels import registry

    kits = Path(__file__).parent / "testdata" / "test_notices" / "kits"
    read: list[tuple[str, int, str]] = []
    original = notices._notice_elements

    def counted(channel: str, incident: Any, revision: Any, r: Any, context: Any) -> Any:
        read.append((channel, revision.number, r.language))
        return original(channel, incident, revision, r, context)

    monkeypatch.setattr(notices, "_notice_elements", counted)
    items = [compose_incident(incident, SITE) for incident in read_incidents([kits])]
    run_checks(items, datetime.fromisoformat("2026-11-23T12:00:00+01:00"), approvals=False)
    assert read and len(read) == len(set(read))  # each notice of each revision and language read once
    monkeypatch.setattr(notices, "_notice_elements", original)
    compared = 0
    for item in items:
        channels = [c for c in item.incident.channels if registry()[c].kind == "notice"]
        for revision in item.incident.revisions:
            for language, text in item.texts[revision.number].items():
                context = text_context(item.incident, revision, language, text.statement_url)
                edited = replace(text, acknowledgement="Something else.", sections={**text.sections, "cause": "A."})
                for channel in channels:
                    for r in (text, replace(text, posts=[]), edited):
                        remembered = notices.notice_elements(channel, item.incident, revision, r, context)
                        assert remembered == original(channel, item.incident, revision, r, context)
                        compared += 1
                    assert notices.notice_elements(channel, item.incident, revision, edited, context) != (
                        notices.notice_elements(channel, item.incident, revision, text, context)
                    )
    assert compared >= 3 * 5 * 2 * 5


def test_the_remembered_urls_of_a_text_are_those_found_afresh() -> None:
    """X's weight and Mastodon's URL cost share one search per line (counting/xcount._url_spans): the spans equal
    a fresh search's, and each caller gets a list of its own."""
    texts = [
        "Full statement: https://status.example.invalid/en/incidents/data-leak-0000/",
        "完整聲明：https://status.example.invalid/zh-Hant/incidents/data-leak-0000/",
        "see example.com and https://t.co/abc?x=1, or a.b.c.d",
        "no link here.",
        "",
    ]
    for text in texts * 2:
        found = xcount.find_urls(text)
        assert found == list(xcount._url_spans.__wrapped__(text))
        found.append((0, 0))
        assert xcount.find_urls(text) == list(xcount._url_spans.__wrapped__(text))
