"""Every piece of site chrome in the site's language (issue 14 item 7), on one real build of a small fixture site
(tests/testdata/test_localisation/site: an incident in en and zh-Hant, one in English only, a hand-written page in
English only and one in both that says so in its front matter, and a site name, description and copyright per
language in mkdocs.yml extra.crisiskit), made once for the module, both audiences.

Each test is one finding of the issue, checked where a reader meets it: the built HTML. Before the change, the
zh-Hant site showed the English site name, "Made with", "404 - Not found", heading ids _1, _2 ... and language
links to the other language's home page.
"""

from __future__ import annotations

import posixpath
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest

from conftest import TESTDATA
from crisiskit.compose.labels import labels
from crisiskit.errors import BuildError
from crisiskit.publish.site import site_config
from sites import REPO, build, invoke

SITE = TESTDATA / "test_localisation" / "site"
AT = "2026-11-20T15:00:00+08:00"  # both revisions of the open incident, and the English-only one, are out
ZH = "zh-Hant"
NAME = {"en": "Northwind Status & Statements", ZH: "Northwind 狀態與聲明"}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("localisation") / "project"
    shutil.copytree(SITE, project)
    shutil.copytree(REPO / "overrides", project / "overrides")
    approved = invoke(project, "approve", "--pending", "--role", "communications", "--by", "Ann Wu")
    assert approved.returncode == 0, approved.stdout + approved.stderr
    build(project, AT, "all", process=False)
    return project


class Page(HTMLParser):
    """What a reader and a crawler see of one built page: visible text, ids, links and the language links."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.text: list[str] = []
        self.ids: dict[str, str] = {}  # heading id -> the heading's text
        self.alternates: dict[str, str] = {}  # <link rel=alternate hreflang> in <head>
        self.switch: dict[str, str] = {}  # the language selector's links
        self.title = ""
        self._skip = 0
        self._heading: str | None = None
        self._in_title = False
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("script", "style", "svg"):
            self._skip += 1
        if tag == "title":
            self._in_title = True
        if tag == "link" and a.get("rel") == "alternate" and "hreflang" in a:
            self.alternates[a["hreflang"]] = a["href"]
        if tag == "a" and "md-select__link" in a.get("class", "") and "hreflang" in a:
            self.switch[a["hreflang"]] = a["href"]
        if re.fullmatch(r"h[1-6]", tag) and a.get("id"):
            self._heading = a["id"]
            self.ids[a["id"]] = ""
        for key in ("aria-label", "title", "placeholder", "alt"):
            if a.get(key):
                self.text.append(a[key])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "svg"):
            self._skip -= 1
        if tag == "title":
            self._in_title = False
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._heading is not None:
            self.ids[self._heading] += data.strip()
        if not self._skip and data.strip():
            self.text.append(data.strip())


def page(project: Path, audience: str, path: str) -> Page:
    return Page(project / "site" / audience / path)


def resolve(site: Path, page_file: Path, href: str) -> Path:
    """The file a link from ``page_file`` opens, on a server that answers the audience's address from ``site``
    (the public site at /, the internal one at /internal/, as site_url and SiteOptions.for_audience say)."""
    target = unquote(urlsplit(href).path)
    if target.startswith("/"):
        prefix = "/internal/" if site.name == "internal" else "/"
        target = posixpath.normpath(target) + ("/" if target.endswith("/") else "")
        assert target.startswith(prefix), href
        base = site / target[len(prefix) :]
    else:
        base = page_file.parent / target
    base = Path(posixpath.normpath(base.as_posix()))
    return base / "index.html" if target.endswith("/") or base.is_dir() else base


# --- the site name, its description and copyright, per language --------------------------------------------------


@pytest.mark.parametrize("lang", ["en", ZH])
def test_the_site_name_is_the_languages_own(project: Path, lang: str) -> None:
    for path in ("index.html", "incidents/outage/index.html", "404.html"):
        seen = page(project, "public", f"{lang}/{path}")
        assert seen.title.strip().endswith(NAME[lang]), (path, seen.title)
    other = NAME["en" if lang == ZH else ZH]
    home = (project / "site" / "public" / lang / "index.html").read_text(encoding="utf-8")
    assert other not in home.replace("&amp;", "&")
    internal = page(project, "internal", f"{lang}/incidents/outage/qa.html")
    assert internal.title.strip().endswith(labels(lang)["site_internal"].format(name=NAME[lang]))


def test_the_description_falls_back_to_the_root_one_for_a_language_not_named(project: Path) -> None:
    about = (project / "site" / "public" / "en" / "about" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="description" content="Official statements, updates and answers from Northwind.">' in about
    incidents = (project / "site" / "public" / ZH / "incidents" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="description" content="Northwind 的正式聲明、最新消息與問答。">' in incidents


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (["Northwind"], "extra.crisiskit.site_name: expected a text or a text per language; got ['Northwind']"),
        ({"zh-Hant": 3}, "extra.crisiskit.site_name: expected a text or a text per language; got 3"),
    ],
)
def test_a_site_name_that_is_not_text_is_refused(tmp_path: Path, value: object, said: str) -> None:
    base = {"site_name": "N", "site_url": "https://n.example/", "extra": {"crisiskit": {"site_name": value}}}
    with pytest.raises(BuildError) as error:
        site_config(base, tmp_path, "public", ZH, ["en", ZH], tmp_path / "d", tmp_path / "s", [], None)
    assert str(error.value) == f"mkdocs.yml {said}"


def test_a_site_without_names_per_language_keeps_its_one_site_name(tmp_path: Path) -> None:
    base = {"site_name": "N", "site_url": "https://n.example/"}
    config = site_config(base, tmp_path, "public", ZH, ["en", ZH], tmp_path / "d", tmp_path / "s", [], None)
    assert "site_name" not in config  # MkDocs keeps the root's
    internal = site_config(base, tmp_path, "internal", ZH, ["en", ZH], tmp_path / "d", tmp_path / "s", [], None)
    assert internal["site_name"] == "N（內部）"


# --- the footer, the 404 page and the roles ------------------------------------------------------------------------


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_the_footer_is_in_the_sites_language(project: Path, audience: str) -> None:
    html = (project / "site" / audience / ZH / "index.html").read_text(encoding="utf-8")
    footer = re.search(r'<div class="md-copyright">(.*?)</div>\s*</div>', html, re.S)
    assert footer is not None
    text = re.sub(r"<[^>]+>|\s+", " ", footer.group(1))
    assert "Northwind 食品 版權所有" in text
    assert "本網站以 Material for MkDocs 建置" in re.sub(r" +", " ", text)
    assert "Made with" not in text and "Copyright" not in text
    english = (project / "site" / audience / "en" / "index.html").read_text(encoding="utf-8")
    assert "Made with" in english and "Copyright Northwind Foods" in english


@pytest.mark.parametrize("lang", ["en", ZH])
def test_the_404_page_is_in_the_sites_language_and_leads_home(project: Path, lang: str) -> None:
    path = project / "site" / "public" / lang / "404.html"
    seen = Page(path)
    words = labels(lang)["not_found"]
    assert words["title"] in seen.text and words["text"] in seen.text
    assert "404 - Not found" not in path.read_text(encoding="utf-8")
    links = re.findall(
        r'<a href="([^"]+)">(?:' + re.escape(words["home"]) + "|" + re.escape(words["incidents"]) + ")<",
        path.read_text(encoding="utf-8"),
    )
    assert links == [f"/{lang}/", f"/{lang}/incidents/"]
    for href in links:
        assert resolve(project / "site" / "public", path, href).is_file(), href


def test_the_public_timeline_names_the_approving_role_in_chinese(project: Path) -> None:
    seen = page(project, "public", f"{ZH}/incidents/outage/index.html")
    text = "\n".join(seen.text)
    assert labels(ZH)["status_site"]["roles"]["communications"] in text
    assert not re.search(r"(?i)communications", text)


def test_the_internal_timeline_names_the_approver_and_the_role_in_chinese(project: Path) -> None:
    text = "\n".join(page(project, "internal", f"{ZH}/incidents/outage/index.html").text)
    role = labels(ZH)["status_site"]["roles"]["communications"]
    assert f"Ann Wu ({role})" in text
    assert "communications" not in text.lower()
    english = "\n".join(page(project, "internal", "en/incidents/outage/index.html").text)
    assert "Ann Wu (Communications)" in english


def test_no_english_chrome_is_left_on_the_chinese_site(project: Path) -> None:
    """Every Latin word a zh-Hant page shows is a name, a code or an address from the kit, or a format's own name."""
    allowed = re.compile(
        r"Northwind Foods|Northwind|NW-2026-11|UTC|Atom|JSON Feed|iCalendar|Material for MkDocs|English"
        r"|Ann Wu|Press Office"
        r"|[\w.+-]+@[\w.-]+|https?://\S+|\+?[\d ]+"
    )
    found: dict[str, str] = {}
    root = project / "site" / "public" / ZH
    for path in sorted(root.rglob("*.html")):
        for text in Page(path).text:
            rest = allowed.sub("", text)
            if re.search(r"[A-Za-z]{2,}", rest):
                found.setdefault(text, path.relative_to(root).as_posix())
    assert found == {}


# --- heading anchors -----------------------------------------------------------------------------------------------


def test_chinese_headings_get_readable_anchors(project: Path) -> None:
    seen = page(project, "public", f"{ZH}/incidents/outage/index.html")
    headings = {id_: text for id_, text in seen.ids.items() if not id_.startswith("ck-")}
    assert headings, "no heading ids"
    assert not [id_ for id_ in headings if re.fullmatch(r"_\d+", id_)]
    s = labels(ZH)["status_site"]
    assert headings[s["what_happened"]] == s["what_happened"]  # the id is the heading's own words
    assert headings[s["what_to_do"]] == s["what_to_do"]
    english = page(project, "public", "en/incidents/outage/index.html")
    assert "what-happened" in english.ids and "what-you-can-do" in english.ids  # English ids as before


# --- language alternates -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "there"),
    [
        ("incidents/outage/index.html", "incidents/outage/"),
        ("incidents/outage/revisions/1/index.html", "incidents/outage/revisions/1/"),
        ("incidents/outage/faq/index.html", "incidents/outage/faq/"),
        ("index.html", ""),
        ("incidents/index.html", "incidents/"),
        ("contact/index.html", "contact/"),  # hand-written in both, as its front matter says (ck_languages)
        ("404.html", ""),  # no page of its own: each language's home
    ],
)
def test_each_language_link_goes_to_the_same_page_in_that_language(project: Path, path: str, there: str) -> None:
    for lang in ("en", ZH):
        seen = page(project, "public", f"{lang}/{path}")
        expected = {other: f"/{other}/{there}" for other in ("en", ZH)}
        assert seen.alternates == expected, lang
        assert seen.switch == expected, lang


@pytest.mark.parametrize(
    "path", ["incidents/recall/index.html", "incidents/recall/revisions/1/index.html", "about/index.html"]
)
def test_a_page_missing_in_the_other_language_links_to_that_languages_home(project: Path, path: str) -> None:
    seen = page(project, "public", f"en/{path}")
    assert seen.alternates == {"en": f"/en/{path.removesuffix('index.html')}", ZH: "/zh-Hant/"}
    assert seen.switch == seen.alternates
    assert not (project / "site" / "public" / ZH / path).exists()


def test_the_internal_sites_language_links_go_to_the_same_page(project: Path) -> None:
    root = project / "site" / "internal"
    for name in ("qa.html", "posts.html", "index.html"):
        seen = page(project, "internal", f"{ZH}/incidents/outage/{name}")
        target = resolve(root, root / ZH / "incidents" / "outage" / name, seen.switch["en"])
        assert target == root / "en" / "incidents" / "outage" / name, (name, seen.switch)
        assert seen.alternates == seen.switch


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_every_language_link_of_every_page_opens_a_page(project: Path, audience: str) -> None:
    root = project / "site" / audience
    dead = []
    checked = 0
    for path in sorted(root.rglob("*.html")):
        if path.parent == root:
            continue  # the root language chooser
        seen = Page(path)
        for lang, href in {**seen.alternates, **seen.switch}.items():
            checked += 1
            target = resolve(root, path, href)
            if not target.is_file() or PurePosixPath(target.relative_to(root).as_posix()).parts[0] != lang:
                dead.append((path.relative_to(root).as_posix(), lang, href))
    assert checked > 20
    assert dead == []


# --- fonts -----------------------------------------------------------------------------------------------------------


def test_chinese_pages_name_a_cjk_font_stack_of_system_fonts_only() -> None:
    css = (REPO / "overrides" / "assets" / "crisiskit.css").read_text(encoding="utf-8")
    rule = re.search(r"body:lang\(zh-Hant\)[^{]*\{([^}]*)\}", css)
    assert rule is not None
    stack = rule.group(1)
    for font in ('"Noto Sans CJK TC"', '"PingFang TC"', '"Microsoft JhengHei"'):
        assert font in stack
    assert stack.rstrip().rstrip(";").endswith("sans-serif")
    assert not re.search(r"@font-face|@import|url\(", css), "a page must not download a font"


def test_a_translation_declared_but_missing_stops_the_build(tmp_path: Path) -> None:
    """A hand-written page that says it is in zh-Hant too, with no zh-Hant page: the public site is not published."""
    project = tmp_path / "project"
    shutil.copytree(SITE, project)
    shutil.copytree(REPO / "overrides", project / "overrides")
    (project / "content" / "en" / "alone.md").write_text(
        "---\ntitle: Alone\naudience: public\nck_languages: [en, zh-Hant]\n---\n\n# Alone\n", encoding="utf-8"
    )
    invoke(project, "approve", "--pending", "--role", "communications", "--by", "Ann Wu")
    result = invoke(project, "build", "--at", AT, "--audience", "public")
    assert result.returncode == 1
    assert (
        "site/public/en/alone/index.html: expected every link into the site to resolve; got /zh-Hant/alone/"
        in result.stdout + result.stderr
    )
    assert not (project / "site" / "public").exists()
