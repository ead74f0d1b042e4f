"""Corrections visible everywhere, and kit-level items that start and end (issue 16, items 3 and 4).

One incident lives through five revisions in English and Chinese (tests/testdata/test_corrections/kits):
a wrong number in revision 2, a new hotline number in revision 3, revision 4 correcting revision 2, and
a refund, a voucher and an FAQ entry each offered from a later revision than the first. What readers see
is read back as they would: posts as composed, the feeds parsed as XML and JSON, the pages rendered to
HTML with the site's Markdown extensions and parsed.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from ruamel.yaml import YAML

from conftest import TESTDATA
from crisiskit.compose.composed import ComposedIncident, SiteOptions, compose_incident
from crisiskit.counting.measure import measure
from crisiskit.errors import KitError
from crisiskit.pipeline import read_incidents
from crisiskit.render.feeds import render_feeds
from crisiskit.render.pages import render_pages

CASE = TESTDATA / "test_corrections"
SITE = SiteOptions("https://status.clearspring.example/")
A = "{http://www.w3.org/2005/Atom}"
LANGUAGES = ("en", "zh-Hant")
LATER = datetime.fromisoformat("2026-11-22T09:00:00+08:00")  # every revision is out
CORRECTION = {
    "en": "Correction: Revision 2 gave the wrong number of bottles.",
    "zh-Hant": "更正：第 2 版所列回收瓶數有誤。",
}
REFUND = {"en": "A full refund for every recalled bottle.", "zh-Hant": "每瓶回收的瓶裝水全額退款。"}
VOUCHER = {"en": "A voucher for a free crate of water.", "zh-Hant": "一箱免費瓶裝水的兌換券。"}
RECALLED_FAQ = {"en": "Which bottles are recalled?", "zh-Hant": "哪些瓶裝水被回收？"}


def _approve(kits: Path) -> None:
    """Approve every revision's composed text for every required role, as `crisiskit approve` records it."""
    hashes = _compose(kits).hashes
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)  # as the kit is written, so tests can edit its text
    yaml.width = 4096
    for path in kits.glob("*.yml"):
        data = yaml.load(path.read_text(encoding="utf-8"))
        for update in data["updates"]:
            update["approvals"] = [
                {"role": role, "name": "May Lin", "at": "2026-11-22T00:00:00Z", "text_hash": hashes[update["revision"]]}
                for role in ("communications", "legal")
            ]
        with path.open("w", encoding="utf-8") as out:
            yaml.dump(data, out)


def _compose(kits: Path) -> ComposedIncident:
    (incident,) = read_incidents([kits])
    return compose_incident(incident, SITE)


@pytest.fixture(scope="module")
def kits(tmp_path_factory: pytest.TempPathFactory) -> Path:
    kits = tmp_path_factory.mktemp("corrections") / "kits"
    shutil.copytree(CASE / "kits", kits)
    _approve(kits)
    return kits


@pytest.fixture(scope="module")
def composed(kits: Path) -> ComposedIncident:
    item = _compose(kits)
    assert all(item.approved.values())
    return item


def _post(item: ComposedIncident, number: int, language: str, channel: str):
    return next(p for p in item.texts[number][language].posts if p.channel == channel)


# --- item 4: kit-level items have a start ---------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_remedy_is_not_in_the_email_of_a_revision_before_it_was_offered(
    composed: ComposedIncident, language: str
) -> None:
    for channel in ("email", "press_release", "customer_service", "partner_letter"):
        first = _post(composed, 1, language, channel).text
        assert REFUND[language] not in first and VOUCHER[language] not in first, channel
        second = _post(composed, 2, language, channel).text
        assert REFUND[language] in second and VOUCHER[language] not in second, channel
        last = _post(composed, 5, language, channel).text
        assert REFUND[language] in last and VOUCHER[language] in last, channel


def test_items_appear_from_their_start_on(composed: ComposedIncident) -> None:
    kinds = {n: [r.kind for r in composed.texts[n]["en"].remedies] for n in range(1, 6)}
    assert kinds == {1: [], 2: ["refund"], 3: ["refund"], 4: ["refund"], 5: ["refund", "voucher"]}
    questions = {n: [e.question for e in composed.texts[n]["zh-Hant"].faq] for n in range(1, 6)}
    # an item with no start is offered from the first revision, as every kit before starts existed meant
    assert questions[1] == questions[2] == ["可以喝嗎？"]
    assert questions[3] == questions[5] == ["可以喝嗎？", RECALLED_FAQ["zh-Hant"]]


def test_an_item_ends_with_until(tmp_path: Path) -> None:
    kits = tmp_path / "kits"
    shutil.copytree(CASE / "kits", kits)
    path = kits / "water-recall.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("    from_revision: 2\n", "    from_revision: 2\n    until_revision: 3\n", 1).replace(
            "    from: 2026-11-21T12:00:00+08:00\n",
            "    from: 2026-11-21T12:00:00+08:00\n    until: 2026-11-21T16:00:00+08:00\n",
        ),
        encoding="utf-8",
    )
    item = _compose(kits)
    kinds = {n: [r.kind for r in item.texts[n]["en"].remedies] for n in range(1, 6)}
    assert kinds == {1: [], 2: ["refund"], 3: ["refund"], 4: [], 5: ["voucher"]}


def test_a_remedy_added_later_leaves_the_earlier_revisions_approved(kits: Path, tmp_path: Path) -> None:
    before = _compose(kits)
    changed = tmp_path / "kits"
    shutil.copytree(kits, changed)
    path = changed / "water-recall.yml"
    text = path.read_text(encoding="utf-8")
    gift = (
        "  - kind: gift\n    from_revision: 5\n    description: {en: A tote bag., zh-Hant: 一個提袋。}\n"
        "    eligible: {en: Everyone., zh-Hant: 所有人。}\n"
        "    how_to_claim: {en: Ask in a shop., zh-Hant: 請洽門市。}\n"
    )
    path.write_text(text.replace("faq:\n", gift + "faq:\n", 1), encoding="utf-8")
    after = _compose(changed)
    assert [after.hashes[n] for n in range(1, 5)] == [before.hashes[n] for n in range(1, 5)]
    assert after.hashes[5] != before.hashes[5] and not after.approved[5]
    assert all(after.approved[n] for n in range(1, 5))


def test_the_pages_show_an_item_from_its_start_on(kits: Path) -> None:
    """The statement page's remedies and the FAQ page, as a reader sees them while revision 2 is the latest."""
    between = datetime.fromisoformat("2026-11-20T13:00:00+08:00")  # revisions 1 and 2 are out
    pages = {p.path.as_posix(): _html(p.text) for p in render_pages([_compose(kits)], "public", between)}
    for language in LANGUAGES:
        base = f"{language}/incidents/water-recall/"
        assert REFUND[language] not in pages[f"{base}revisions/1.md"].text()
        assert REFUND[language] in pages[f"{base}revisions/2.md"].text()
        assert REFUND[language] in pages[f"{base}index.md"].text()
        assert VOUCHER[language] not in pages[f"{base}index.md"].text()
        assert RECALLED_FAQ[language] not in pages[f"{base}faq.md"].text()
    later = {p.path.as_posix(): _html(p.text) for p in render_pages([_compose(kits)], "public", LATER)}
    assert RECALLED_FAQ["en"] in later["en/incidents/water-recall/faq.md"].text()
    assert VOUCHER["zh-Hant"] in later["zh-Hant/incidents/water-recall/index.md"].text()


def test_a_qa_entry_from_a_later_revision_is_not_in_earlier_memos_nor_yet_on_the_qa_page(
    kits: Path, tmp_path: Path
) -> None:
    item = _compose(kits)
    for language, phrase in (("en", "nobody checked the filters"), ("zh-Hant", "沒有人檢查濾水器")):
        assert phrase not in _post(item, 2, language, "employee_memo").text
        assert phrase in _post(item, 3, language, "employee_memo").text
    early = tmp_path / "kits"  # revisions 1 and 2 only: the entry is prepared for the next one
    shutil.copytree(kits, early)
    path = early / "water-recall.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("  - revision: 3\n")], encoding="utf-8")
    internal = {p.path.as_posix(): p.text for p in render_pages([_compose(early)], "internal")}
    assert "Why did the filter fail?" not in internal["en/incidents/water-recall/qa.md"]
    internal = {p.path.as_posix(): p.text for p in render_pages([item], "internal")}
    assert "Why did the filter fail?" in internal["en/incidents/water-recall/qa.md"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    from_revision: 2\n",
            "    from_revision: 2\n    from: 2026-11-20T12:00:00+08:00\n",
            "remedies[0].from: expected one start, from_revision or from; got both (from_revision: 2)",
        ),
        (
            "    from_revision: 2\n",
            "    from_revision: 7\n",
            "remedies[0].from_revision: expected a revision of this incident (1 to 5, or the next, 6); got 7",
        ),
        (
            "    from_revision: 3\n",
            "    from_revision: 3\n    until_revision: 9\n",
            "faq[1].until_revision: expected a revision of this incident (1 to 5); got 9",
        ),
        (
            "    from_revision: 3\n",
            "    from_revision: 3\n    until_revision: 2\n",
            "faq[1].until_revision: expected a revision at or after from_revision 3; got 2",
        ),
        (
            "    from: 2026-11-21T12:00:00+08:00\n",
            "    from: 2026-11-21T12:00:00+08:00\n    until: 2026-11-21T11:00:00+08:00\n",
            "remedies[1].until: expected a time after from (2026-11-21T12:00:00+08:00); got 2026-11-21T11:00:00+08:00",
        ),
        (
            "    from: 2026-11-21T12:00:00+08:00\n",
            "    fro: 2026-11-21T12:00:00+08:00\n",
            'remedies[1].fro: expected a known key (did you mean "from"?); got unknown key "fro"',
        ),
        (
            "    from: 2026-11-21T12:00:00+08:00\n",
            "    from: 2026-11-21T12:00:00\n",
            "remedies[1].from: expected a date and time with a timezone",
        ),
    ],
)
def test_starts_and_ends_are_validated_at_their_line(tmp_path: Path, old: str, new: str, message: str) -> None:
    kits = tmp_path / "kits"
    shutil.copytree(CASE / "kits", kits)
    path = kits / "water-recall.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(KitError) as raised:
        read_incidents([kits])
    found = [str(p) for p in raised.value.problems]
    marker = new.strip().splitlines()[-1].strip()
    line = next(n for n, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if row.strip() == marker)
    assert any(re.search(rf"water-recall\.yml:{line}:\d+ ", f) and message in f for f in found), found


# --- item 3: corrections visible everywhere --------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_post_of_the_correction_says_correction_with_its_note(composed: ComposedIncident, language: str) -> None:
    label = CORRECTION[language].split("：" if language != "en" else ":")[0]
    posts = composed.texts[4][language].posts
    assert {p.channel for p in posts} >= {"x", "sms", "email", "press_release", "linkedin", "employee_memo"}
    for post in posts:
        assert CORRECTION[language] in post.text, post.channel
        if post.subject is not None:  # e-mail, partner letter, memo
            assert post.subject.startswith(label), (post.channel, post.subject)
    for number in (1, 2, 3, 5):  # nothing else is a correction
        for post in composed.texts[number][language].posts:
            assert label not in post.text and label not in (post.subject or ""), (number, post.channel)


@pytest.mark.parametrize("language", LANGUAGES)
def test_short_posts_count_the_correction_and_still_fit(composed: ComposedIncident, language: str) -> None:
    for channel in ("x", "sms", "bluesky", "threads", "mastodon"):
        text = _post(composed, 4, language, channel).text
        assert text.startswith(CORRECTION[language]) or text.startswith(
            ("Clearspring: " if language == "en" else "【清泉】") + CORRECTION[language]
        ), (channel, text)
        assert measure(channel, text).fits, (channel, text)


def _with_correction(kits: Path, target: Path, note: dict[str, str]) -> Path:
    shutil.copytree(kits, target)
    path = target / "water-recall.yml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("Revision 2 gave the wrong number of bottles.", note["en"]).replace(
        "第 2 版所列回收瓶數有誤。", note["zh-Hant"]
    )
    path.write_text(text, encoding="utf-8")
    return target


def test_a_long_note_is_cut_to_its_first_sentence_where_the_whole_does_not_fit(kits: Path, tmp_path: Path) -> None:
    long = {
        "en": "Revision 2 gave the wrong number of bottles. "
        + "It said 1,200 where the lots we traced held more. " * 5,
        "zh-Hant": "第 2 版所列回收瓶數有誤。" + "當時所列的是 1,200 瓶，但追查的批號所含瓶數更多。" * 5,
    }
    item = _compose(_with_correction(kits, tmp_path / "kits", long))
    for language in LANGUAGES:
        x = _post(item, 4, language, "x").text
        assert x.startswith(CORRECTION[language] + "\n\n") and measure("x", x).fits, x
        linkedin = _post(item, 4, language, "linkedin").text  # room for the whole note
        assert " ".join(long[language].split()) in linkedin


def test_the_limit_rules_count_the_correction(kits: Path, tmp_path: Path) -> None:
    """A note that cannot fit even cut to its first sentence leaves the post over its limit, and check says so."""
    from crisiskit.checks.engine import run_checks

    endless = {"en": "Revision 2 was wrong " + "and wrong " * 40 + "again.", "zh-Hant": "第 2 版" + "有誤" * 150 + "。"}
    item = _compose(_with_correction(kits, tmp_path / "kits", endless))
    findings = run_checks([item], LATER, approvals=False)
    over = {(f.rule, f.channel, f.language) for f in findings if f.rule in ("CK101", "CK102")}
    assert {("CK101", "x", "en"), ("CK101", "x", "zh-Hant"), ("CK102", "sms", "zh-Hant")} <= over, over
    assert all("revision 4" in f.message for f in findings if f.rule in ("CK101", "CK102"))


def test_the_correction_gives_the_hotline_as_it_stands_and_the_corrected_revision_as_it_stood(
    composed: ComposedIncident,
) -> None:
    old, new = "+886 2 2700 1111", "+886 2 2700 2222"  # the hotline changed with revision 3
    for language in LANGUAGES:
        assert (
            old in _post(composed, 2, language, "email").text and new not in _post(composed, 2, language, "email").text
        )
        for channel in ("email", "press_release"):
            text = _post(composed, 4, language, channel).text
            assert new in text and old not in text and CORRECTION[language] in text, channel


# --- feeds, parsed as a reader would --------------------------------------------------------------------------


def _feeds(item: ComposedIncident, language: str) -> tuple[ET.Element, dict]:
    pages = {p.path.as_posix(): p.text for p in render_feeds([item], SITE, language, LATER)}
    atom = ET.fromstring(pages["incidents/water-recall/feed.xml"].encode("utf-8"))
    return atom, json.loads(pages["incidents/water-recall/feed.json"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_feed_entry_of_a_correction_says_so_in_title_and_summary(composed: ComposedIncident, language: str) -> None:
    atom, feed = _feeds(composed, language)
    label = CORRECTION[language][: CORRECTION[language].index("：" if language != "en" else ":") + 1]
    entries = {e.findtext(f"{A}id", "").rstrip("/").rsplit("/", 1)[-1]: e for e in atom.findall(f"{A}entry")}
    items = {i["id"].rstrip("/").rsplit("/", 1)[-1]: i for i in feed["items"]}
    assert set(entries) == set(items) == {"1", "2", "3", "4", "5"}
    note = CORRECTION[language][len(label) :].strip()
    for title, summary in (
        (entries["4"].findtext(f"{A}title", ""), entries["4"].findtext(f"{A}summary", "")),
        (items["4"]["title"], items["4"]["summary"]),
    ):
        assert title.startswith(label) and "The recall covers more bottles" in title or "回收範圍擴大" in title, title
        assert summary.startswith(label) and note in summary, summary
    for number in ("1", "2", "3", "5"):
        assert not entries[number].findtext(f"{A}title", "").startswith(label)
        assert label not in items[number]["summary"]
    assert note in items["4"]["content_html"]


# --- pages, rendered to HTML and parsed -----------------------------------------------------------------------


class _Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: _Node | None) -> None:
        self.tag, self.attrs, self.parent, self.children, self.texts = tag, attrs, parent, [], []

    def text(self) -> str:
        return "".join(part if isinstance(part, str) else part.text() for part in self.texts)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _Tree(HTMLParser):
    VOID = {"br", "hr", "img", "input", "meta", "link", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.root = self.current = _Node("root", {}, None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        self.current.texts.append(node)
        if tag not in self.VOID:
            self.current = node

    def handle_endtag(self, tag: str) -> None:
        node = self.current
        while node.parent is not None and node.tag != tag:
            node = node.parent
        if node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.texts.append(data)


def _html(page: str) -> _Node:
    body = page.split("\n---\n", 1)[1] if page.startswith("---\n") else page
    tree = _Tree()
    tree.feed(markdown.markdown(body, extensions=["attr_list", "md_in_html", "tables", "toc"]))
    return tree.root


def _pages(item: ComposedIncident, audience: str = "public") -> dict[str, _Node]:
    rendered = render_pages([item], audience, LATER)  # type: ignore[arg-type]
    return {p.path.as_posix(): _html(p.text) for p in rendered if p.path.suffix == ".md"}


def _with_class(root: _Node, name: str) -> list[_Node]:
    return [node for node in root.walk() if name in node.classes()]


def _links(node: _Node) -> dict[str, str]:
    return {" ".join(a.text().split()): a.attrs.get("href", "") for a in node.walk() if a.tag == "a"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_corrected_revision_carries_a_banner_linking_to_its_correction(
    composed: ComposedIncident, language: str
) -> None:
    pages = _pages(composed)
    base = f"{language}/incidents/water-recall/"
    corrected = "Corrected by revision 4" if language == "en" else "已由第 4 版更正"
    (banner,) = _with_class(pages[f"{base}revisions/2.md"], "ck-banner-corrected")
    assert banner.attrs.get("role") == "note"
    assert _links(banner) == {corrected: "4.md"}
    assert CORRECTION[language].split("：" if language != "en" else ": ", 1)[1] in banner.text()
    for number in (1, 3, 4, 5):  # only the corrected revision says it was corrected
        assert not _with_class(pages[f"{base}revisions/{number}.md"], "ck-banner-corrected"), number
    assert not _with_class(pages[f"{base}index.md"], "ck-banner-corrected")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_correcting_revision_says_correction_and_links_to_what_it_corrects(
    composed: ComposedIncident, language: str
) -> None:
    pages = _pages(composed)
    page = pages[f"{language}/incidents/water-recall/revisions/4.md"]
    (box,) = _with_class(page, "ck-correction")
    label, note = CORRECTION[language].split("：" if language != "en" else ": ", 1)
    assert " ".join(box.text().split()).startswith(label) and note in box.text()
    corrects = "This revision corrects revision 2." if language == "en" else "本版更正第 2 版。"
    assert _links(box) == {corrects: "2.md"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_superseded_permalink_names_the_current_revision_and_links_there(
    composed: ComposedIncident, language: str
) -> None:
    pages = _pages(composed)
    for number in (1, 2, 3, 4):
        page = pages[f"{language}/incidents/water-recall/revisions/{number}.md"]
        (note,) = _with_class(page, "ck-permalink-note")
        assert ("revision 5" if language == "en" else "第 5 版") in note.text(), note.text()
        assert "../index.md" in _links(note).values()
    (current,) = _with_class(pages[f"{language}/incidents/water-recall/revisions/5.md"], "ck-permalink-note")
    assert "ck-superseded" not in current.classes()


def test_a_correction_not_yet_public_puts_no_banner_on_the_public_site(kits: Path, tmp_path: Path) -> None:
    before = datetime.fromisoformat("2026-11-21T08:00:00+08:00")  # revisions 1 to 3 are out, 4 is not
    pages = {p.path.as_posix(): _html(p.text) for p in render_pages([_compose(kits)], "public", before)}
    assert "en/incidents/water-recall/revisions/4.md" not in pages
    assert not _with_class(pages["en/incidents/water-recall/revisions/2.md"], "ck-banner-corrected")


def test_banners_are_not_approved_text(kits: Path, tmp_path: Path) -> None:
    """Adding the correction (revisions 4 and 5) leaves revision 2's hash and approvals as they were."""
    early = tmp_path / "kits"
    shutil.copytree(kits, early)
    path = early / "water-recall.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("  - revision: 4\n")], encoding="utf-8")
    before, after = _compose(early), _compose(kits)
    assert before.hashes[2] == after.hashes[2] and before.approved[2] and after.approved[2]
    old = _pages(before)["en/incidents/water-recall/revisions/2.md"]
    new = _pages(after)["en/incidents/water-recall/revisions/2.md"]
    assert not _with_class(old, "ck-banner-corrected") and _with_class(new, "ck-banner-corrected")


def test_a_character_in_the_note_that_breaks_gsm7_is_found_where_it_was_written(kits: Path, tmp_path: Path) -> None:
    from crisiskit.checks.engine import run_checks

    note = {"en": "Revision 2\u2019s number of bottles was wrong.", "zh-Hant": "第 2 版所列回收瓶數有誤。"}
    target = _with_correction(kits, tmp_path / "kits", note)
    item = _compose(target)
    findings = [f for f in run_checks([item], LATER, approvals=False) if f.rule == "CK104" and f.channel == "sms"]
    lines = (target / "water-recall.yml").read_text(encoding="utf-8").splitlines()
    row = next(n for n, line in enumerate(lines, 1) if "Revision 2\u2019s" in line)
    assert [(f.line, f.column) for f in findings] == [(row, lines[row - 1].index("\u2019") + 1)], findings


def test_a_remedy_counts_for_the_structure_rules_only_in_revisions_that_offer_it(tmp_path: Path) -> None:
    """Revision 5 (resolved) owes a remedy; the kit's refund and voucher are it, until both have ended."""
    from crisiskit.checks.engine import run_checks

    kits = tmp_path / "kits"
    shutil.copytree(CASE / "kits", kits)

    def remedy_gaps() -> list[str]:
        item = _compose(kits)
        return [f.message for f in run_checks([item], LATER, approvals=False) if f.rule == "CK301"]

    assert remedy_gaps() == []
    path = kits / "water-recall.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("    from_revision: 2\n", "    from_revision: 2\n    until_revision: 4\n", 1).replace(
            "    from: 2026-11-21T12:00:00+08:00\n", "    from: 2026-11-21T12:00:00+08:00\n    until_revision: 4\n"
        ),
        encoding="utf-8",
    )
    assert remedy_gaps() == [
        "expected the parts a accidental crisis owes in revision 5 (resolved); got none for remedy"
    ]
