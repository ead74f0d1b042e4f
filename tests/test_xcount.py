"""The X counter against twitter-text's own v3 conformance suite, and the URL cases the issue found wrong.

The suite's cases live as data in tests/testdata/twitter_conformance/validate_v3.yml (where they come
from and their licence are in its header); every case is run with every expected value it gives, so a
drift from how X counts fails here by name.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from crisiskit.counting.measure import measure
from crisiskit.counting.xcount import find_urls, parse_post, top_level_domains, weighted_length

SUITE = Path(__file__).parent / "testdata" / "twitter_conformance" / "validate_v3.yml"


def _cases() -> list[tuple[str, str, dict[str, object]]]:
    data = YAML(typ="safe").load(SUITE.read_text(encoding="utf-8"))
    return [
        (f"{section}: {case['description']}", case["text"], case["expected"])
        for section, cases in data.items()
        for case in cases
    ]


CASES = _cases()


def test_suite_is_complete() -> None:
    # 21 cases in WeightedTweetsWithDiscountedEmojiCounterTest and 2 in UnicodeDirectionalMarkerCounterTest.
    assert len(CASES) == 23


@pytest.mark.parametrize("name,text,expected", CASES, ids=[c[0][:90] for c in CASES])
def test_twitter_text_v3_conformance(name: str, text: str, expected: dict[str, object]) -> None:
    result = parse_post(text)
    got = {
        "weightedLength": result.weighted_length,
        "valid": result.valid,
        "permillage": result.permillage,
        "displayRangeStart": result.display_range[0],
        "displayRangeEnd": result.display_range[1],
        "validRangeStart": result.valid_range[0],
        "validRangeEnd": result.valid_range[1],
    }
    assert got == expected


@pytest.mark.parametrize(
    "text",
    [
        "https://example.de",
        "example.de/recall",
        "example.jp",
        "example.de",
        "www.gov.tw",
        "example.com.tw",
        "https://example.com.tw/recall?batch=24-117",
        "http://例え.jp",
        "https://xn--r8jz45g.jp/",
        "https://政府.台灣/",
    ],
)
def test_every_tld_and_idn_host_counts_23(text: str) -> None:
    assert find_urls(text) == [(0, len(text))]
    assert weighted_length(text) == 23


def test_url_in_a_chinese_sentence_counts_23_and_the_rest_by_weight() -> None:
    text = "請至 example.com.tw 查詢批號"
    assert weighted_length(text) == 2 * 2 + 1 + 23 + 1 + 4 * 2


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Not a domain: the.end", 21),  # "end" is no top-level domain
        ("gov.tw", 23),  # a country TLD after one label is a link on X
        ("file.txt and v2.0", 17),  # neither txt nor 0 is a TLD
        ("_example.com", 12),  # preceded by "_": twitter-text does not link it
    ],
)
def test_what_is_not_a_url_counts_as_written(text: str, expected: int) -> None:
    assert weighted_length(text) == expected


def test_tld_list_is_complete() -> None:
    names = set(top_level_domains())
    assert len(names) > 1500
    assert {"com", "de", "jp", "tw", "台灣", "xn--kpry57d", "پاکستان", "xn--mgbai9azgqp6j", "onion"} <= names


@pytest.mark.parametrize(
    "text,valid",
    [
        ("ok \ufeff", False),
        ("ok \ufffe", False),
        ("\u202eok\u202c", True),
        ("", False),
        ("x" * 280, True),
        ("x" * 281, False),
    ],
)
def test_validity(text: str, valid: bool) -> None:
    assert parse_post(text).valid is valid


def test_copyright_sign_is_text_unless_emoji_presentation() -> None:
    assert weighted_length("©") == 1 and weighted_length("©\ufe0f") == 2


def test_measure_command_agrees() -> None:
    text = "Recall of batch 24-117: details at example.com.tw and https://example.de/rueckruf 台灣"
    out = subprocess.run(
        [sys.executable, "-m", "crisiskit", "measure", "--channel", "x", text],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(out.stdout)
    assert data["count"] == weighted_length(text) == measure("x", text).count
    assert data["count"] == len("Recall of batch 24-117: details at ") + 23 + len(" and ") + 23 + 1 + 4
