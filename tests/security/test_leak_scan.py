"""Red team: a hand-written public page that quotes internal text fails the build, however it is spelled.

Each case is a secret of the fixture kit quoted in its own page under
content/en/, plain and in four spellings a browser shows the same way (a soft
hyphen or a zero-width space inside a word, NFD instead of NFC, the text
percent-encoded in a link's href). All pages go into one build: the scan
reports every file it finds a needle in, so a line naming a page and the
secret it quotes proves that case on its own. Separate builds prove that a
single quoting page is enough to stop publication, that the scan follows the
one visibility predicate (the embargoed cause may be quoted once the embargo
has passed), and that a clean site passes.
"""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path
from urllib.parse import quote

import pytest
from redteam import AFTER_EMBARGO, BEFORE_EMBARGO, approve_all, build, make_project

from sites import Ran

# Kit edits: a composable accent in every quoted secret (so NFD differs from NFC), a review reply with a
# private follow-up and a Q&A whose answer is three words long.
KIT_EDITS = {
    "a configuration change to our servers failed.": "a naïve configuration change to our servers failed.",
    "we are sorry to every customer who lost work.": "we are sorry to every café owner who lost work.",
    "SECRET was this outage avoidable at all?": "SECRET was this outage avoidable for the café owners at all?",
    "the vendor contract penalty clause applies": "the vendor contract pénalité clause applies",
    "秘密這項變更跳過了我們通常要求的第二次審查。": "秘密這項變更跳過了 Café 團隊通常要求的第二次審查。",
    "updates:\n": """  - question: {en: Will everyone get a refund?, zh-Hant: 每個人都會退款嗎？}
    answer: {en: Not before Noël., zh-Hant: 聖誕節前不會。}
    bridge: {en: Service is back for everyone., zh-Hant: 所有人都已恢復服務。}
review_replies:
  - type: logistics
    review: {en: Nothing works and nobody answers., zh-Hant: 什麼都不能用也沒人回應。}
    public_reply: {en: We are sorry; we have sent you a message., zh-Hant: 很抱歉，我們已私訊您。}
    private_followup:
      en: SECRET we will refund your café subscription for the whole quarter.
      zh-Hant: 秘密我們將退還您整季的咖啡館訂閱費用。
updates:
""",
}
# case -> (the quoted text, the start of the label the scan must report for it)
CASES = {
    "embargoed-cause": (
        "SECRET embargoed cause a naïve configuration change to our servers failed.",
        "acme-outage r2 (en) statement.cause",
    ),
    "embargoed-apology": (
        "SECRET embargoed apology we are sorry to every café owner who lost work.",
        "acme-outage r2 (en) statement.apology",
    ),
    "qa-question": (
        "SECRET was this outage avoidable for the café owners at all?",
        "acme-outage internal_qa[0].question (en)",
    ),
    "internal-faq": (
        "SECRET the vendor contract pénalité clause applies from next quarter.",
        "acme-outage faq[1].answer (internal) (en)",
    ),
    "review-followup": (
        "SECRET we will refund your café subscription for the whole quarter.",
        "acme-outage review_replies[0].private_followup (en)",
    ),
    "three-word-answer": ("Not before Noël.", "acme-outage internal_qa[2].answer (en)"),
    "zh-on-en-site": (
        "秘密這項變更跳過了 Café 團隊通常要求的第二次審查。",
        "acme-outage internal_qa[0].answer (zh-Hant)",
    ),
}


def inside_a_word(text: str, mark: str) -> str:
    """``mark`` after the second character of the longest word (or between two Han characters)."""
    word = max(text.split(), key=len)
    return text.replace(word, word[:2] + mark + word[2:], 1)


VARIANTS = {
    "plain": lambda text: text,
    "soft-hyphen": lambda text: inside_a_word(text, "\u00ad"),
    "zero-width": lambda text: inside_a_word(text, "\u200b"),
    "nfd": lambda text: unicodedata.normalize("NFD", text),
    "href": lambda text: f"[our source](https://example.org/notes?quote={quote(text, safe='')})",
}
PAGES = {f"leak-{case}-{variant}": (case, variant) for case in CASES for variant in VARIANTS}


def body(name: str) -> str:
    case, variant = PAGES[name]
    return VARIANTS[variant](CASES[case][0])


def page(body: str) -> str:
    return f"---\ntitle: Notes\naudience: public\n---\n\n# Notes\n\n{body}\n"


@pytest.fixture(scope="module")
def approved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project with the kit edits above, approved; never built (tests copy it)."""
    project = make_project(tmp_path_factory.mktemp("leaks") / "approved", approve=False)
    kit = project / "kits" / "acme-outage.yml"
    text = kit.read_text(encoding="utf-8")
    for old, new in KIT_EDITS.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    kit.write_text(text, encoding="utf-8")
    approve_all(project)
    return project


def copy_of(approved: Path, tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    return Path(shutil.copytree(approved, tmp_path_factory.mktemp(name) / "project"))


@pytest.fixture(scope="module")
def clean_then_leaking(
    approved: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Ran, Ran, dict[str, bytes], dict[str, bytes]]:
    """A clean build, then every quoting page added and built again: both results and the live site after each."""
    project = copy_of(approved, tmp_path_factory, "combined")
    clean = build(project, BEFORE_EMBARGO, process=False)
    before = live_files(project)
    for name in PAGES:
        (project / "content" / "en" / f"{name}.md").write_text(page(body(name)), encoding="utf-8")
    leaking = build(project, BEFORE_EMBARGO, process=False)
    return clean, leaking, before, live_files(project)


def live_files(project: Path) -> dict[str, bytes]:
    public = project / "site" / "public"
    return {p.relative_to(public).as_posix(): p.read_bytes() for p in sorted(public.rglob("*")) if p.is_file()}


def reported(result: Ran) -> dict[str, list[str]]:
    """File -> the labels the failed build named for it."""
    found: dict[str, list[str]] = {}
    for line in (result.stdout + result.stderr).splitlines():
        if line.startswith("  site/public/") and ": " in line:
            file, label = line.strip().split(": ", 1)
            found.setdefault(file, []).append(label)
    return found


def test_every_variant_really_changes_the_quote() -> None:
    for name, (case, variant) in PAGES.items():
        assert variant == "plain" or body(name) != CASES[case][0], name
        assert variant != "href" or CASES[case][0] not in body(name)


def test_a_clean_site_passes_the_scan(clean_then_leaking) -> None:
    clean, _, before, _ = clean_then_leaking
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "en/index.html" in before and "en/incidents/acme-outage/index.html" in before


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_quoting_page_is_named_with_the_secret_it_quotes(clean_then_leaking, name: str) -> None:
    _, leaking, _, _ = clean_then_leaking
    assert leaking.returncode == 1, leaking.stdout + leaking.stderr
    assert "Traceback" not in leaking.stderr
    label = CASES[PAGES[name][0]][1]
    named = reported(leaking).get(f"site/public/en/{name}/index.html", [])
    assert [found for found in named if found.startswith(label)], (name, label, named)


def test_the_search_index_is_scanned_too(clean_then_leaking) -> None:
    _, leaking, _, _ = clean_then_leaking
    named = reported(leaking)["site/public/en/search/search_index.json"]
    assert all(any(found.startswith(label) for found in named) for _, label in CASES.values()), named


def test_the_failed_build_left_the_previous_site_live(clean_then_leaking) -> None:
    _, leaking, before, after = clean_then_leaking
    assert leaking.returncode == 1
    assert after == before


@pytest.mark.parametrize("at, status", [(BEFORE_EMBARGO, 1), (AFTER_EMBARGO, 0)], ids=["embargoed", "released"])
def test_one_quote_alone_fails_the_build_until_it_is_public(
    approved: Path, tmp_path_factory: pytest.TempPathFactory, at: str, status: int
) -> None:
    project = copy_of(approved, tmp_path_factory, "alone")
    name = "leak-embargoed-cause-href"
    (project / "content" / "en" / f"{name}.md").write_text(page(body(name)), encoding="utf-8")
    result = build(project, at, process=False)
    assert result.returncode == status, result.stdout + result.stderr
    if status:
        assert [(file, label.split(",")[0]) for file, labels in reported(result).items() for label in labels] == [
            (f"site/public/en/{name}/index.html", "acme-outage r2 (en) statement.cause")
        ]
        assert not (project / "site" / "public").exists()
    else:
        assert (project / "site" / "public" / "en" / name / "index.html").is_file()
