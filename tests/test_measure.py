"""Channel lengths counted as each channel counts them.

The X cases are transcribed from the twitter-text v3 conformance suite (conformance/validate.yml,
sections WeightedTweetsCounterTest cases without emoji, whose v3 result is unchanged, and
WeightedTweetsWithDiscountedEmojiCounterTest); the expected numbers are the suite's. Cases left out:
the two IDN-host cases (punycode length of non-Latin hosts), the 12,000-character invalid-label URL and
the general-punctuation case (its exact characters could not be transcribed reliably), and the v2-only
results of emoji cases, whose v3 values differ.
"""

from __future__ import annotations

import pytest

from crisiskit.counting.measure import load_channels, measure
from crisiskit.counting.sms import sms_length
from crisiskit.counting.xcount import weighted_length

POEM = (
    "故人西辞黄鹤楼，烟花三月下扬州。孤帆远影碧空尽，唯见长江天际流。朱雀桥边野草花，乌衣巷口夕阳斜。旧时王谢堂前燕，"
    "飞入寻常百姓家。朝辞白帝彩云间，千里江陵一日还。两岸猿声啼不住，轻舟已过万重山。泪湿罗巾梦不成，夜深前殿按歌声。"
    "红颜未老恩先断，斜倚薰笼坐到明。独在异乡为异客，每逢佳节倍思亲。遥知兄弟登高处，遍插茱萸少一人。"
)
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
X_CASES = [
    ("Long tweet, overflow at char index 280", "285 chars-" + "xxxxxxxxxx-" * 25, 285),
    ("Long tweet with url in the middle", "285 chars- http://www.twitter.com/jack " + "xxxxxxxxxx-" * 24, 299),
    ("Long tweet with url at the end", "xxxxxxxxxx-" * 24 + " http://www.twitter.com/jack ", 289),
    ("10 url string, no overflow", "https://www.twitter.com/aloha " * 10, 240),
    ("160 CJK char", POEM, 320),
    ("3 latin char + 160 CJK char", "the" + POEM, 323),
    ("'Á' is normalized into 1 char", "A\u0301B", 2),
    ("שּׁ is normalized into 3 chars", "A\ufb2c", 4),
    ("282 chars with a normalized character", "282 chars-" + "xxxxxxxxxx-" * 24 + "xxxxxA\u0301x", 281),
    ("Handle a 64 character domain without protocol", "randomurl" * 7 + "s.com", 68),
    ("Count a mix of single byte single word, and double word unicode characters", "H\U0001f431\u263a" + FAMILY, 7),
    ("Count unicode emoji chars inside the basic multilingual plane", "😷👾😡🔥💩", 10),
    ("140 family emoji", FAMILY * 140, 280),
    ("Emoji with a leading character in the latin range is counted as 2", "1\u20e3", 2),
    (
        "Unicode 10.0 emoji",
        "Unicode 10.0 emoji: 🤪; 🧕; 🧕🏾; 🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
        34,
    ),
    ("Unicode 9.0 emoji", "Unicode 9.0 emoji: 🤠; 💃; 💃🏾", 29),
    ("Count the number of characters", "This is a test.", 15),
    ("Count a URL starting with http:// as 23 characters", "http://test.com", 23),
    ("Count a URL without protocol as 23 characters", "test.com", 23),
    ("Count multiple URLs correctly", "Test https://test.com test https://test.com test.com test", 86),
]


@pytest.mark.parametrize("description,text,expected", X_CASES, ids=[c[0] for c in X_CASES])
def test_x_weighted_length_matches_twitter_text(description: str, text: str, expected: int) -> None:
    assert weighted_length(text) == expected


def test_x_limit_is_280() -> None:
    assert measure("x", "x" * 280).fits and not measure("x", "x" * 281).fits
    assert measure("x", "中" * 140).fits and not measure("x", "中" * 141).fits


@pytest.mark.parametrize(
    "text,encoding,units,parts",
    [
        ("a" * 160, "gsm7", 160, 1),
        ("a" * 161, "gsm7", 161, 2),
        ("a" * 306, "gsm7", 306, 2),
        ("a" * 307, "gsm7", 307, 3),
        ("中" * 70, "ucs2", 70, 1),
        ("中" * 71, "ucs2", 71, 2),
        ("中" * 134, "ucs2", 134, 2),
        ("中" * 135, "ucs2", 135, 3),
        ("€" * 80, "gsm7", 160, 1),
        ("a" * 159 + "€", "gsm7", 161, 2),
        ("", "gsm7", 0, 0),
    ],
)
def test_sms_boundaries(text: str, encoding: str, units: int, parts: int) -> None:
    length = sms_length(text)
    assert (length.encoding, length.units, length.parts) == (encoding, units, parts)


def test_sms_escape_is_not_split_across_parts() -> None:
    # 152 septets, then € (2 septets) would straddle the 153 boundary: it moves wholly to part 2.
    assert sms_length("a" * 152 + "€" + "a" * 151).parts == 2
    assert sms_length("a" * 152 + "€" + "a" * 152).parts == 3


def test_sms_surrogate_pair_is_not_split_across_parts() -> None:
    # 66 units then an emoji (2 units) would straddle the 67 boundary: it moves wholly to part 2.
    assert sms_length("中" * 66 + "😀" + "中" * 65).parts == 2
    assert sms_length("中" * 66 + "😀" + "中" * 66).parts == 3


def test_any_chinese_character_forces_ucs2() -> None:
    assert sms_length("Hello 你").encoding == "ucs2"
    assert sms_length("Hello {you}").encoding == "gsm7"


def test_sms_over_the_parts_cap_does_not_fit() -> None:
    cap = load_channels()["sms"].max_parts
    assert measure("sms", "a" * (153 * cap)).fits
    assert not measure("sms", "a" * (153 * cap + 1)).fits


def test_bluesky_counts_graphemes() -> None:
    assert measure("bluesky", FAMILY * 300).count == 300
    assert not measure("bluesky", "e\u0301" * 301).fits


def test_mastodon_counts_every_url_as_23() -> None:
    assert measure("mastodon", "See https://example.com/" + "a" * 200).count == 4 + 23


def test_every_channel_names_its_source_and_date() -> None:
    for spec in load_channels().values():
        assert spec.source and spec.checked == "2026-11-22" and spec.limit > 0


def test_unknown_channel_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match="x, threads"):
        measure("fax", "hi")
