"""The leak scan's engine on explicit inputs: normalisation, needles, file types, and work that stays linear.

The real builds (a hand-written page quoting internal text fails the build)
are in tests/security/test_leak_scan.py; here each spelling trick and file
type is one small case, so a failure says exactly which one broke.
"""

from __future__ import annotations

import gzip
import json
import struct
import unicodedata
import zlib
from pathlib import Path
from urllib.parse import quote

import pytest

from crisiskit.compose.visibility import Fragment
from crisiskit.publish import leaks
from crisiskit.publish.leaks import Leak, Needles, content_key, make_needles, normalise, scan_site, scannable_text

CAUSE = "SECRET embargoed cause: a naïve configuration change to our servers failed."
ANSWER = "Not before Noël."  # a three-word Q&A answer: too short for a sentence needle, matched as a whole field
ZH = "秘密這項變更跳過了我們通常要求的第二次審查。"
SECRETS = [Fragment("r2 cause", CAUSE), Fragment("qa answer", ANSWER), Fragment("qa zh", ZH)]


def needles(*secret: Fragment, public: tuple[str, ...] = (), canaries: dict[str, str] | None = None) -> Needles:
    return make_needles(secret or SECRETS, list(public), canaries or {})


def scan(tmp_path: Path, files: dict[str, str | bytes], found: Needles | None = None) -> list[Leak]:
    site = tmp_path / "site"
    for name, content in files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return scan_site(site, found or needles())


def soft_hyphen(text: str) -> str:
    return text.replace("configuration", "config\u00aduration").replace("before", "be\u00adfore")


VARIANTS = {
    "plain": lambda t: t,
    "soft hyphen inside a word": soft_hyphen,
    "zero-width space inside a word": lambda t: t.replace("change", "cha\u200bnge").replace("Noël", "No\u200bël"),
    "word joiner, bidi control and variation selector": lambda t: t.replace(
        "servers", "ser\u2060v\u202ee\ufe0frs"
    ).replace("Not", "N\u2066ot"),
    "NFD instead of NFC": lambda t: unicodedata.normalize("NFD", t),
    "full-width letters": lambda t: t.replace("SECRET", "ＳＥＣＲＥＴ").replace("Not", "Ｎｏｔ"),
    "upper case": str.upper,
    "hex entities": lambda t: "".join(f"&#x{ord(c):x};" for c in t),
    "named entities": lambda t: t.replace(" ", "&nbsp;").replace("ë", "&euml;"),
    "JSON \\u escapes": lambda t: "".join(f"\\u{ord(c):04x}" for c in t),
    "JavaScript escapes": lambda t: t.replace(" ", "\\x20").replace("o", "\\u{6f}").replace(".", "\\."),
    "Markdown emphasis": lambda t: t.replace("configuration change", "*configuration* __change__").replace(
        "Noël", "**Noël**"
    ),
    "line break and doubled spaces": lambda t: t.replace(" ", "\n  "),
}


@pytest.mark.parametrize("variant", VARIANTS, ids=list(VARIANTS))
@pytest.mark.parametrize("text", [CAUSE, ANSWER], ids=["sentence", "three-word answer"])
def test_normalise_undoes_spelling_tricks(variant: str, text: str) -> None:
    spelled = VARIANTS[variant](text)
    assert variant == "plain" or spelled != text, "the variant must actually change the text"
    assert normalise(spelled) == normalise(text)


@pytest.mark.parametrize("variant", VARIANTS, ids=list(VARIANTS))
def test_each_variant_in_a_page_is_found(tmp_path: Path, variant: str) -> None:
    page = f"<html><body><p>{VARIANTS[variant](CAUSE)}</p><p>{VARIANTS[variant](ANSWER)}</p></body></html>"
    assert scan(tmp_path, {"notes/index.html": page}) == [
        Leak("notes/index.html", "qa answer"),
        Leak("notes/index.html", "r2 cause"),
    ]


def test_percent_encoded_href_is_found(tmp_path: Path) -> None:
    page = f'<a href="https://example.org/?q={quote(ANSWER, safe="")}">a link</a> <a href="/x?{quote(ZH)}">x</a>'
    assert "Noël" not in page and "秘密" not in page
    assert [leak.fragment for leak in scan(tmp_path, {"index.html": page})] == ["qa answer", "qa zh"]


def test_text_split_by_inline_tags_and_in_attributes_is_found(tmp_path: Path) -> None:
    files = {
        "a.html": "<p>SECRET <em>embargoed</em> cause: a naïve <a href='#'>configuration</a> change to our "
        "servers failed.</p>",
        "b.html": f'<img alt="{ANSWER}" src="x.png">',
        "c.html": f"<script>var s = '{ZH}';</script>",
        "d.html": f"<!-- {CAUSE} -->",
    }
    assert [(leak.file, leak.fragment) for leak in scan(tmp_path, files)] == [
        ("a.html", "r2 cause"),
        ("b.html", "qa answer"),
        ("c.html", "qa zh"),
        ("d.html", "r2 cause"),
    ]


def test_chinese_with_the_search_index_zero_width_spaces_is_found(tmp_path: Path) -> None:
    segmented = (
        "\u200b".join(["秘密", "這項", "變更", "跳過", "了", "我們", "通常", "要求", "的", "第二次", "審查"]) + "。"
    )
    index = json.dumps({"docs": [{"location": "notes/", "text": f"<p>{segmented}</p>"}]})  # ASCII-only, like MkDocs
    assert "\\u200b" in index and "秘" not in index
    assert scan(tmp_path, {"search/search_index.json": index}) == [Leak("search/search_index.json", "qa zh")]


def test_gzip_is_opened_by_name_and_by_magic(tmp_path: Path) -> None:
    files = {
        "sitemap.xml.gz": gzip.compress(f"<loc>{CAUSE}</loc>".encode()),
        "feed.json": gzip.compress(json.dumps({"content_text": ANSWER}).encode()),
    }
    assert scan(tmp_path, files) == [Leak("feed.json", "qa answer"), Leak("sitemap.xml.gz", "r2 cause")]


def png_with_text(keyword: str, text: str) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixel = zlib.compress(b"\x00\x00\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"tEXt", keyword.encode() + b"\x00" + text.encode("latin-1"))
        + chunk(b"IDAT", pixel)
        + chunk(b"IEND", b"")
    )


def test_images_metadata_and_svg_text_are_scanned(tmp_path: Path) -> None:
    files = {
        "assets/logo.png": png_with_text("Comment", ANSWER),
        "assets/clean.png": png_with_text("Title", "Acme"),
        "assets/icon.svg": f'<svg xmlns="http://www.w3.org/2000/svg"><title>{CAUSE}</title></svg>',
    }
    assert scan(tmp_path, files) == [Leak("assets/icon.svg", "r2 cause"), Leak("assets/logo.png", "qa answer")]


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("report.pdf", b"%PDF-1.7 compressed", "a file type the scan cannot read (.pdf)"),
        ("CNAME", "status.example.org", "a file type the scan cannot read (no extension)"),
        ("archive.zip", b"PK\x03\x04", "a file type the scan cannot read (.zip)"),
        ("notes.txt.gz", b"\x1f\x8b\x08\x00 not really gzip", "a damaged gzip file"),
    ],
)
def test_files_that_cannot_be_scanned_are_refused(tmp_path: Path, name: str, content: str | bytes, reason: str) -> None:
    leaks = scan(tmp_path, {name: content, "index.html": "<p>fine</p>"})
    assert len(leaks) == 1 and leaks[0].file == name
    assert leaks[0].fragment.startswith(f"cannot be scanned, so it is refused: {reason}")


def test_symbolic_links_are_refused_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.html").write_text(CAUSE, encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "page.html").symlink_to(outside / "secret.html")
    (site / "folder").symlink_to(outside)
    refused = "cannot be scanned, so it is refused: not a regular file (a symbolic link or a special file)"
    assert scan_site(site, needles()) == [Leak("folder", refused), Leak("page.html", refused)]


def test_a_file_name_is_scanned_too(tmp_path: Path) -> None:
    found = needles(Fragment("avoid phrase", "blame the intern"))
    assert scan(tmp_path, {"blame-the-boss/index.html": "", "Blame-The-Intern/index.html": ""}, found) == [
        Leak("Blame-The-Intern/index.html", "avoid phrase")
    ]


def test_short_whole_fields_are_needles_and_too_short_ones_are_dropped_with_a_reason() -> None:
    found = needles(
        Fragment("three words", ANSWER),
        Fragment("two words", "SECRET no."),
        Fragment("no", "No."),
        Fragment("one word", "Acme"),
        Fragment("zh four", "秘密不。"),
        Fragment("zh two", "不。"),
    )
    assert sorted(found.automaton.values()) == ["three words", "two words", "zh four"]
    assert dict(found.dropped) == {
        "no": "too short to be distinctive (3 normalised characters)",
        "one word": "a single word is not distinctive",
        "zh two": "too short to be distinctive (2 normalised characters)",
    }


def test_public_text_is_never_a_needle() -> None:
    public = ("We are sorry for the disruption to your work. We will post the next update soon.", "Yes, it is back.")
    found = needles(
        Fragment("apology copied into a post", "We are sorry for the disruption to your work."),
        Fragment("post", "We are sorry for the disruption to your work. SECRET the rollback failed twice."),
        Fragment("qa", "Yes, it is back."),
        public=public,
    )
    assert sorted(found.automaton.keys()) == ["secrettherollbackfailedtwice."]
    assert dict(found.dropped) == {
        "apology copied into a post": "public text contains all of it",
        "qa": "public text contains all of it",
    }


def test_every_sentence_is_a_needle_latin_and_chinese() -> None:
    text = (
        "SECRET the change skipped the second review. We never told the board about it! "
        "秘密禁發原因一項伺服器設定變更出錯。秘密禁發道歉我們向每一位客戶致歉！"
    )
    found = needles(Fragment("field", text))
    assert sorted(found.automaton.keys()) == sorted(
        [
            "secretthechangeskippedthesecondreview.",
            "wenevertoldtheboardaboutit!",
            "秘密禁發原因一項伺服器設定變更出錯。",
            "秘密禁發道歉我們向每一位客戶致歉!",
        ]
    )


def test_canaries_are_needles(tmp_path: Path) -> None:
    found = needles(canaries={"crisiskit-internal-0123456789abcdef": "acme: internal Q&A page"})
    leaks = scan(tmp_path, {"index.html": '<div class="crisiskit-internal-0123456789abcdef"></div>'}, found)
    assert leaks == [Leak("index.html", "acme: internal Q&A page")]


def test_a_clean_site_has_no_leaks(tmp_path: Path) -> None:
    files = {
        "index.html": "<p>We are sorry. Not before Monday.</p>",
        "search/search_index.json": '{"docs": []}',
        "assets/site.css": "body{}",
        "assets/app.js": "var x = 1;",
        "sitemap.xml.gz": gzip.compress(b"<u/>"),
    }
    assert scan(tmp_path, files) == []


class CountingAutomaton:
    """Wraps the real automaton to count how much text each scan walks through it."""

    def __init__(self, inner: object):
        self.inner, self.walks, self.characters = inner, 0, 0
        self.kind = inner.kind  # type: ignore[attr-defined]

    def iter(self, text: str):  # noqa: A003 - the automaton's own method name
        self.walks += 1
        self.characters += len(text)
        return self.inner.iter(text)  # type: ignore[attr-defined]


def test_scan_work_does_not_grow_with_the_number_of_needles(tmp_path: Path) -> None:
    """One automaton, one walk per path and per distinct content: the same work for 3 needles as for 3,000."""
    site = tmp_path / "site"
    (site / "copy").mkdir(parents=True)
    for number in range(5):
        (site / f"page{number}.html").write_text(f"<p>Page {number} says nothing secret.</p>" * 50, encoding="utf-8")
    (site / "copy" / "page0.html").write_bytes((site / "page0.html").read_bytes())  # identical content: read once
    work = []
    for count in (3, 3000):
        secret = [Fragment(f"field {n}", f"SECRET number {n} of the hidden list, never said.") for n in range(count)]
        found = make_needles(secret, [], {})
        assert len(found.automaton) == count
        counting = CountingAutomaton(found.automaton)
        assert scan_site(site, Needles(counting, found.count, found.dropped)) == []
        work.append((counting.walks, counting.characters))
    assert work[0] == work[1] and work[0][0] == 6 + 5  # six paths, five distinct contents


def test_identical_files_are_each_reported(tmp_path: Path) -> None:
    page = f"<p>{CAUSE}</p>"
    assert scan(tmp_path, {"en/notes.html": page, "zh-Hant/notes.html": page}) == [
        Leak("en/notes.html", "r2 cause"),
        Leak("zh-Hant/notes.html", "r2 cause"),
    ]


def test_a_file_known_ahead_is_read_from_its_known_text_and_one_changed_by_a_byte_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """KNOWN_TEXTS (the theme's static files, read once in the engine's fork server) stand for those exact bytes only.

    The theme folder holds a script whose text is clean; the site holds it as copied, and a copy of the same name
    with a secret added. The copied one is taken from what was known (the scan does not read it again: its known
    text here carries a marker the file does not), the changed one is read and its secret found.
    """
    theme = tmp_path / "theme"
    (theme / "assets" / ".icons").mkdir(parents=True)
    script = b"var theme = 'clean';\n"
    (theme / "assets" / "bundle.js").write_bytes(script)
    (theme / "assets" / ".icons" / "skipped.svg").write_bytes(b"<svg/>")  # icon sets are not copied: not read
    (theme / "main.html").write_bytes(b"<p>{{ page }}</p>")  # a template is rendered, not copied: not read
    monkeypatch.setattr(leaks, "KNOWN_TEXTS", {})
    leaks.know_files([theme])
    key = content_key("bundle.js", script)
    assert list(leaks.KNOWN_TEXTS) == [key]
    assert leaks.KNOWN_TEXTS[key] == scannable_text(script, "bundle.js")

    marker = Fragment("marker", "only the known text of the copied script says this sentence")
    leaks.KNOWN_TEXTS[key] += "\n" + normalise(marker.text)
    changed = script + f"var leaked = '{CAUSE}';\n".encode()
    found = scan(
        tmp_path,
        {"en/assets/bundle.js": script, "zh-Hant/assets/bundle.js": changed},
        needles(marker, *SECRETS),
    )
    assert found == [Leak("en/assets/bundle.js", "marker"), Leak("zh-Hant/assets/bundle.js", "r2 cause")]
