"""Kit text is text (issue 10: finding 2, requirement 3).

Hostile markup is placed in every kit field the public site shows: title, headline, acknowledgement, a
statement section, a fact value, a public FAQ question and answer, the organisation's and the
signatory's names, an approver's name (``approve --by``) and a remedy. For each case, ``crisiskit check``
reports CK701 at the exact file, line and column of the construct, and after a real build (approved,
so the text is public) every public page and feed, parsed, is inert (see inert.py) and shows the payload
as text inside the element its field belongs in. Three groups of payloads share three builds.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import markdown
import pytest
from inert import HEADINGS, STRUCTURE, audit
from redteam import AFTER_EMBARGO, BEFORE_EMBARGO, approve_all, built, make_project, rules_off, run
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import LiteralScalarString

KIT = "kits/acme-outage.yml"
STATEMENT = "en/incidents/acme-outage/index.html"
FAQ = "en/incidents/acme-outage/faq/index.html"
# Where each field shows, and whether it is a heading there (a title is an <h1>, a FAQ question an <h2>).
FIELDS = {
    "title": (STATEMENT, True),
    "headline": (STATEMENT, True),
    "acknowledgement": (STATEMENT, False),
    "section": (STATEMENT, False),
    "fact": (STATEMENT, False),
    "faq_question": (FAQ, True),
    "faq_answer": (FAQ, False),
    "organization": (STATEMENT, False),
    "signatory": (STATEMENT, False),
    "approver": (STATEMENT, False),
    "remedy": (STATEMENT, False),
}
INTERNAL_ONLY = {"approver"}  # who approved is named on the internal site only; the public page shows roles
FEED_FIELDS = {"headline", "acknowledgement", "section", "fact"}  # what a feed entry carries


@dataclass(frozen=True)
class Case:
    """One payload in one field; ``snippet`` is the start of the first construct check must report."""

    group: str
    field: str
    payload: str
    snippet: str

    @property
    def marker(self) -> str:
        """A word of the payload that a reader sees once it is shown as text."""
        return re.search(r"pwn\w+", self.payload).group()


CASES = [
    Case("a", "title", "Acme <script>alert('pwnTitleA')</script> outage", "<script>"),
    Case("a", "headline", "Down <img src=x onerror=alert(pwnHeadA)>", "<img"),
    Case(
        "a", "acknowledgement", "We are sorry.\n\n<details open ontoggle=\"alert('pwnAckA')\">x</details>", "<details"
    ),
    Case("a", "section", "We do not know\n<svg onload=\"alert('pwnSecA')\"></svg> yet.", "<svg"),
    Case("a", "fact", "see [here](javascript:alert('pwnFactA'))", "[here](javascript:"),
    Case("a", "faq_question", "Is it [safe](data:text/html,<script>alert('pwnFaqQA')</script>)?", "[safe](data:"),
    Case("a", "faq_answer", "Yes, it is safe.\n{: onclick=\"alert('pwnFaqAA')\" }", "{: onclick"),
    Case("a", "organization", 'Acme { onclick="alert(pwnOrgA)" }', "{ onclick"),
    Case("a", "signatory", "Lee ![tracker](https://evil.example/pwnSigA.png)", "![tracker]"),
    Case("a", "approver", '<iframe src="https://evil.example/pwnApprA"></iframe>', "<iframe"),
    Case("a", "remedy", "A voucher &lt;script&gt;alert('pwnRemA')&lt;/script&gt;", "&lt;"),
    Case("b", "title", '<a href="javascript:alert(1)">Acme pwnTitleB</a> outage', "<a href"),
    Case("b", "headline", "Down [x](vbscript:msgbox(pwnHeadB))", "[x](vbscript:"),
    Case("b", "acknowledgement", "---\ntitle: pwnAckB\n---\nWe are sorry.", "---"),
    Case("b", "section", "We do not know yet.\n\n```html\n<script>alert('pwnSecB')</script>\n```", "```html"),
    Case("b", "fact", "first line\n# Heading pwnFactB", "# Heading"),
    Case("b", "faq_question", "Is it safe? <javascript:alert('pwnFaqQB')>", "<javascript:"),
    Case("b", "faq_answer", "Yes.\n\n* * *\n\nSee ![x](https://evil.example/pwnFaqAB.png)", "* * *"),
    Case("b", "organization", 'Acme <object data="https://evil.example/pwnOrgB"></object>', "<object"),
    Case("b", "signatory", "Lee <style>body{display:none}</style>pwnSigB", "<style>"),
    Case("b", "approver", "Lee [x](javascript:alert('pwnApprB'))", "[x](javascript:"),
    Case("b", "remedy", "A voucher\n===\npwnRemB", "==="),
    Case("c", "title", 'Acme outage {: .x onclick="alert(pwnTitleC)" }', "{: .x"),
    Case("c", "headline", 'Down <base href="https://evil.example/pwnHeadC">', "<base"),
    Case(
        "c",
        "acknowledgement",
        'We are sorry. <meta http-equiv="refresh" content="0;url=https://evil.example/pwnAckC">',
        "<meta",
    ),
    Case("c", "section", "We do not know yet.\n\n| a | pwnSecC |\n|---|---|\n| <b>x</b> | y |", "|---|---|"),
    Case("c", "fact", '<script src="https://evil.example/pwnFactC.js"></script>', "<script"),
    Case("c", "faq_question", "<svg><script>alert('pwnFaqQC')</script></svg>?", "<svg>"),
    Case("c", "faq_answer", 'Yes.\n\n<div markdown="1">**pwnFaqAC** <img src=x onerror=alert(1)></div>', "<div"),
    Case("c", "organization", "Acme &#60;script&#62;alert('pwnOrgC')&#60;/script&#62;", "&#60;"),
    Case("c", "signatory", 'Lee <a href="https://evil.example/pwnSigC">Chen</a>', "<a href"),
    Case("c", "approver", "Lee {: onclick=alert(pwnApprC) }", "{: onclick"),
    Case("c", "remedy", "A voucher [^pwnRemC]", "[^pwnRemC]"),
]
GROUPS = sorted({case.group for case in CASES})


def _en(path: list) -> Callable[[CommentedMap, str], None]:
    def put(data: CommentedMap, value: str) -> None:
        node = data
        for key in path:
            node = node[key]
        node["en"] = value

    return put


def _fact(data: CommentedMap, value: str) -> None:
    data["facts"]["note"] = CommentedMap(
        [("type", "text"), ("value", CommentedMap([("en", value), ("zh-Hant", "備註")]))]
    )
    for language in ("en", "zh-Hant"):
        data["updates"][0]["statement"]["next_update"][language] += " {{ facts.note }}"


def _signatory(data: CommentedMap, value: str) -> None:
    data["signatory"]["name"] = value


def _remedy(data: CommentedMap, value: str) -> None:
    data["remedies"] = [
        CommentedMap(
            [
                ("kind", "voucher"),
                ("description", CommentedMap([("en", value), ("zh-Hant", "優惠券")])),
                ("eligible", {"en": "Every customer", "zh-Hant": "所有客戶"}),
                ("how_to_claim", {"en": "Nothing to do", "zh-Hant": "無須申請"}),
            ]
        )
    ]


INJECT = {
    "title": _en(["title"]),
    "headline": _en(["updates", 0, "statement", "headline"]),
    "acknowledgement": _en(["updates", 0, "statement", "acknowledgement"]),
    "section": _en(["updates", 0, "statement", "not_yet_known"]),
    "fact": _fact,
    "faq_question": _en(["faq", 0, "question"]),
    "faq_answer": _en(["faq", 0, "answer"]),
    "organization": _en(["organization", "name"]),
    "signatory": _signatory,
    "remedy": _remedy,
}


def inject(project: Path, cases: list[Case]) -> None:
    """Write the payloads into the kit (round-trip YAML, a literal block for multi-line text), then approve."""
    yaml = YAML()
    yaml.width = 4096
    path = project / KIT
    data = yaml.load(path.read_text(encoding="utf-8"))
    for case in cases:
        if case.field in INJECT:
            INJECT[case.field](data, LiteralScalarString(case.payload) if "\n" in case.payload else case.payload)
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)
    approve_all(project)
    for case in cases:
        if case.field == "approver":
            result = run(project, "approve", KIT, "--revision", "1", "--role", "legal", "--by", case.payload)
            assert result.returncode == 0, result.stdout + result.stderr


def expected_position(kit_text: str, payload: str, snippet: str) -> tuple[int, int]:
    """Line and column of ``snippet`` as the payload was written into the kit file (one line, or a literal block)."""
    lines = kit_text.split("\n")
    wanted = payload.split("\n")
    offset = payload.index(snippet)
    row = payload[:offset].count("\n")
    in_row = offset - (payload.rfind("\n", 0, offset) + 1)
    for index, line in enumerate(lines):
        if len(wanted) == 1 and payload in line:
            return index + 1, line.index(payload) + in_row + 1
        block = lines[index : index + len(wanted)]
        same = all(a.strip() == b.strip() for a, b in zip(block, wanted, strict=False))
        if len(wanted) > 1 and len(block) == len(wanted) and same:
            return index + row + 1, block[row].index(wanted[row]) + in_row + 1
    raise AssertionError(f"{payload!r} is not written literally in the kit")


@dataclass
class HostileSite:
    """One group's project after injection, its check findings and its built public site."""

    project: Path
    kit_text: str
    findings: list[dict]
    public: Path
    internal: Path

    def page(self, relative: str, markers: tuple[str, ...] = (), audience: str = "public"):
        root = self.public if audience == "public" else self.internal
        return audit((root / relative).read_text(encoding="utf-8"), markers)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):
    """A group's hostile site, built once per module (three builds for every case)."""
    sites: dict[str, HostileSite] = {}

    def get(group: str) -> HostileSite:
        if group not in sites:
            project = make_project(tmp_path_factory.mktemp(f"hostile-{group}") / "project", approve=False)
            inject(project, [case for case in CASES if case.group == group])
            result = run(project, "check", KIT, "--format", "json")
            assert result.returncode == 1, result.stdout + result.stderr
            rules_off(project)  # the renderer's own defence, with nothing held back by the rules
            site = built(project, BEFORE_EMBARGO, "all", process=False)
            sites[group] = HostileSite(
                project,
                (project / KIT).read_text(encoding="utf-8"),
                json.loads(result.stdout),
                site / "public",
                site / "internal",
            )
        return sites[group]

    return get


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 25 and {case.field for case in CASES} == set(FIELDS)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.group}-{c.field}")
def test_check_reports_the_markup_where_it_was_written(case: Case, hostile) -> None:
    site = hostile(case.group)
    line, column = expected_position(site.kit_text, case.payload, case.snippet)
    ours = [f for f in site.findings if f["rule"] == "CK701" and f["file"] == KIT]
    at = [f for f in ours if (f["line"], f["column"]) == (line, column)]
    assert at, f"no CK701 at {KIT}:{line}:{column}; CK701 found at " + ", ".join(
        f"{f['line']}:{f['column']} {f['message'][-60:]}" for f in ours
    )
    assert at[0]["severity"] == "error" and case.snippet[:12] in at[0]["message"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.group}-{c.field}")
def test_the_built_page_shows_the_payload_as_text(case: Case, hostile) -> None:
    site = hostile(case.group)
    page, heading = FIELDS[case.field]
    audience = "internal" if case.field in INTERNAL_ONLY else "public"
    if audience == "internal":  # named only internally: on the public page, not even as text
        public = site.page(page, (case.marker,))
        assert not public.contexts.get(case.marker) and public.problems == []
        assert case.marker not in (site.public / page).read_text(encoding="utf-8")
    found = site.page(page, (case.marker,), audience)
    assert found.contexts.get(case.marker), f"{case.marker} is not shown as text on the {audience} {page}"
    forbidden = STRUCTURE | (set() if heading else HEADINGS)
    made = [ctx for ctx in found.contexts[case.marker] if forbidden & set(ctx)]
    assert not made, f"{case.marker} became structure on {page}: {made}"
    assert found.problems == []


@pytest.mark.parametrize("group", GROUPS)
def test_every_public_page_is_inert(group: str, hostile) -> None:
    site = hostile(group)
    pages = sorted(site.public.rglob("*.html"))
    assert len(pages) >= 8
    problems = {
        p.relative_to(site.public).as_posix(): site.page(p.relative_to(site.public).as_posix()).problems for p in pages
    }
    assert {k: v for k, v in problems.items() if v} == {}


@pytest.mark.parametrize("group", GROUPS)
def test_feeds_carry_the_payload_as_text_and_only_allowed_html(group: str, hostile) -> None:
    site = hostile(group)
    cases = [c for c in CASES if c.group == group and c.field in FEED_FIELDS]
    markers = tuple(c.marker for c in cases)
    feed = json.loads((site.public / "en/incidents/acme-outage/feed.json").read_text(encoding="utf-8"))
    (item,) = feed["items"]
    content = audit(item["content_html"], markers, theme_scripts=False)
    assert content.problems == []
    assert content.tags <= {"p", "br", "em", "strong", "ul", "ol", "li", "a", "h2"}
    headline = next(c for c in cases if c.field == "headline")
    assert " ".join(headline.payload.split()) in item["title"]  # a plain-text field keeps the text as written
    for case in cases:
        if case.field != "headline":
            assert content.contexts.get(case.marker), f"{case.marker} missing from content_html"
    atom = ET.parse(site.public / "en/feed.xml").getroot()
    for node in atom.iter("{http://www.w3.org/2005/Atom}content"):
        assert node.get("type") == "html"
        assert audit(node.text or "", theme_scripts=False).problems == []


def _rendered(project: Path, at: str, audience: str, name: str) -> str:
    """One generated page rendered in-process and converted with the site's own Markdown extensions."""
    from crisiskit.pipeline import compose, read_incidents, read_site_options
    from crisiskit.publish.engine import read_root_config
    from crisiskit.render.pages import render_pages

    composed = compose(read_incidents([project / "kits"]), read_site_options(project), project)
    page = next(p for p in render_pages(composed, audience, datetime.fromisoformat(at)) if p.path.as_posix() == name)
    body = page.text.split("\n---\n", 1)[1]
    config = read_root_config(project)
    extensions = [e if isinstance(e, str) else next(iter(e)) for e in config["markdown_extensions"]]
    return markdown.markdown(body, extensions=extensions)


@pytest.fixture
def unapproved(tmp_path: Path) -> Path:
    """The fixture project before any approval: change the kit, then approve (approve_all)."""
    return make_project(tmp_path / "project", approve=False)


def test_a_fence_in_a_channel_post_cannot_close_the_internal_posts_page_block(unapproved: Path) -> None:
    project = unapproved
    yaml = YAML()
    data = yaml.load((project / KIT).read_text(encoding="utf-8"))
    data["updates"][0]["channels"]["x"]["text"]["en"] = LiteralScalarString(
        "Down.\n```\n<script>alert('pwnPost')</script>\n````\n# pwnHeading {{ statement_url }}"
    )
    with (project / KIT).open("w", encoding="utf-8") as out:
        yaml.dump(data, out)
    found = audit(
        _rendered(project, BEFORE_EMBARGO, "review", "en/incidents/acme-outage/posts.md"),
        ("pwnPost", "pwnHeading"),
        theme_scripts=False,
    )
    assert found.problems == []
    assert all("code" in ctx for marker in ("pwnPost", "pwnHeading") for ctx in found.contexts[marker])


def test_what_changed_shows_hostile_text_as_text(unapproved: Path) -> None:
    project = unapproved
    yaml = YAML()
    data = yaml.load((project / KIT).read_text(encoding="utf-8"))
    data["updates"][1]["statement"]["acknowledgement"]["en"] = LiteralScalarString(
        "We know the cause.\n\n<img src=x onerror=alert(1)> [x](javascript:alert(2)) pwnDiff\n\n# pwnDiffHeading"
    )
    with (project / KIT).open("w", encoding="utf-8") as out:
        yaml.dump(data, out)
    approve_all(project)
    found = audit(
        _rendered(project, AFTER_EMBARGO, "public", "en/incidents/acme-outage/index.md"),
        ("pwnDiff", "pwnDiffHeading"),
        theme_scripts=False,
    )
    assert found.problems == []
    in_diff = [ctx for ctx in found.contexts["pwnDiff"] if "ins" in ctx]
    assert in_diff and not any(HEADINGS & set(ctx) for ctx in found.contexts["pwnDiffHeading"])
