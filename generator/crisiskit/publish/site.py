"""Stage 7, publish: one physically separate docs tree and MkDocs build per audience and language.

The public tree is rendered anew with only the revisions visible at the
build time, plus the hand-written public pages; nothing internal is ever
copied into it, so nothing can leak through pages, the search index, the
sitemap, feeds or copied files. The internal tree is the whole review tree.
Each tree gets a complete MkDocs config derived from the root mkdocs.yml
and is built by the real engine in a subprocess (``mkdocs build
--strict``), which keeps the engine swappable. What goes in is decided the
way the engine decides it (its own front-matter reader) and from declared
files only (the theme gets a filtered copy of overrides/); every audience
is built into a staging tree, verified, and switched live whole (switch.py).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from mkdocs.utils.meta import YAML_RE, SafeLoader, get_data
from ruamel.yaml import YAML
from yaml import YAMLError
from yaml import load as load_front_matter

from crisiskit.errors import BuildError
from crisiskit.render.feeds import render_feeds
from crisiskit.compose.labels import labels
from crisiskit.render.escaping import html_text
from crisiskit.render.rendered import RenderedPage
from crisiskit.compose.composed import ComposedIncident, SiteOptions
from crisiskit.render.pages import render_pages
from crisiskit.publish.switch import active_svg, remove_tree, shown, transaction, tree_files, verify_tree
from crisiskit.write import read_marker

LANGUAGE_NAMES = {"en": "English", "zh-Hant": "繁體中文", "zh-Hans": "简体中文"}
MAX_NAV_INCIDENTS = 20


@dataclass(frozen=True)
class BuiltSite:
    """Where one audience's site for one language was built."""

    audience: str
    language: str
    docs_dir: Path
    site_dir: Path


def base_config(project: Path) -> dict[str, Any]:
    """The root mkdocs.yml, the shared base of every build."""
    yaml = YAML(typ="safe")
    return yaml.load((project / "mkdocs.yml").read_text(encoding="utf-8"))


def hand_written_pages(content: Path, language: str, audience: str, public_assets: list[str]) -> list[Path]:
    """Files under content/<language>/ that a person wrote, as the audience may see them.

    A link among them is refused rather than followed: it could bring in a file from anywhere.
    """
    root = content / language
    chosen, refused = tree_files(root, content.parent)
    if refused:
        raise BuildError("\n".join(refused + ["nothing was published"]))
    pages = []
    for path in chosen:
        relative = path.relative_to(root).as_posix()
        if path.name.startswith(".") or (path.suffix in (".md", ".json") and read_marker(path) is not None):
            continue
        page = page_audience(path, shown(content.parent, path)) if path.suffix == ".md" else None
        if audience == "public" and (page == "internal" or (page is None and relative not in public_assets)):
            continue
        pages.append(path)
    return pages


def page_audience(path: Path, shown: str) -> str:
    """public or internal, from the page's front matter as MkDocs itself reads it.

    MkDocs opens pages as utf-8-sig (a byte order mark is dropped), matches its own front-matter
    pattern (trailing spaces after ``---`` allowed, ``...`` closing, MultiMarkdown ``key: value``
    headers without fences) and parses with get_data; using that same function means a page's
    audience is never decided differently from how it is built. Front matter MkDocs would fail to
    read (and show as text) is refused, and so is an audience that is neither public nor internal.
    """
    try:
        with path.open(encoding="utf-8-sig", errors="strict") as handle:
            text = handle.read()
    except UnicodeDecodeError as error:
        raise BuildError(f"{shown}:1:1 expected UTF-8 text; got byte {error.object[error.start]:#04x} "
                         f"at offset {error.start}") from None
    fenced = YAML_RE.match(text)
    if fenced:
        try:
            header = load_front_matter(fenced.group(1), SafeLoader)
        except YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"{mark.line + 2}:{mark.column + 1}" if mark else "1:1"
            raise BuildError(f"{shown}:{where} front matter: expected YAML MkDocs can read; got "
                             f"{getattr(error, 'problem', None) or error}") from None
        if header is not None and not isinstance(header, dict):
            raise BuildError(f"{shown}:2:1 front matter: expected key: value pairs; got {type(header).__name__}")
    _, meta = get_data(text)
    value = meta.get("audience", "public")
    if value not in ("public", "internal"):
        line = next((n for n, row in enumerate(text.splitlines(), 1) if row.strip().lower().startswith("audience")), 1)
        raise BuildError(f"{shown}:{line}:1 audience: expected public or internal; got {value!r}")
    return value


def language_pages(composed: list[ComposedIncident], audience: str, language: str, at: datetime,
                   site: SiteOptions) -> list[RenderedPage]:
    """Generated pages of one tree, paths relative to its docs root."""
    pages = render_pages(composed, "public" if audience == "public" else "internal", at)
    prefix = PurePosixPath(language)
    out = [RenderedPage(p.path.relative_to(prefix), p.text, p.source) for p in pages if p.path.parts[0] == language]
    out += render_feeds(composed, site.for_audience(audience), language, at if audience == "public" else None)
    return out


def _nav(composed: list[ComposedIncident], audience: str, language: str, at: datetime, home: bool) -> list[Any]:
    """A bounded navigation: home, the incidents index, and open incidents only (at most MAX_NAV_INCIDENTS)."""
    t = labels(language)
    nav: list[Any] = [{LANGUAGE_NAMES.get(language, language): "index.md"}] if home else []
    entries = []
    for item in composed:
        revisions = item.visible(at) if audience == "public" else item.incident.revisions
        if revisions and language in item.incident.languages and revisions[-1].status != "resolved":
            title = html_text(item.texts[revisions[-1].number][language].title)  # the theme prints nav titles as HTML
            entries.append((-revisions[-1].visible_from.timestamp(), item.incident.id,
                            {title: f"incidents/{item.incident.id}/index.md"}))
    entries.sort(key=lambda e: (e[0], e[1]))
    nav.append({t["incidents"]: ["incidents/index.md", *[e[2] for e in entries[:MAX_NAV_INCIDENTS]]]})
    return nav


def site_config(base: dict[str, Any], project: Path, audience: str, language: str, languages: list[str],
                docs_dir: Path, site_dir: Path, nav: list[Any]) -> dict[str, Any]:
    """The complete MkDocs config of one tree, derived from the root mkdocs.yml."""
    config = dict(base)
    t = labels(language)
    config["docs_dir"] = str(docs_dir)
    config["site_dir"] = str(site_dir)
    config["site_url"] = f"{SiteOptions(str(base['site_url'])).for_audience(audience).url.rstrip('/')}/{language}/"
    theme = dict(base.get("theme", {}))
    theme["language"] = language
    if theme.get("custom_dir"):
        theme["custom_dir"] = str((project / theme["custom_dir"]).resolve())
    config["theme"] = theme
    extra = dict(base.get("extra") or {})
    extra["alternate"] = [{"name": LANGUAGE_NAMES.get(lang, lang), "link": f"/{lang}/", "lang": lang}
                          for lang in languages]
    extra["crisiskit"] = {"audience": audience, "labels": {k: t[k] for k in (
        "internal", "draft", "status_label", "severity_label", "last_updated", "next_update")}}
    config["extra"] = extra
    # Chinese needs lunr's zh language (its trimmer keeps Han characters); jieba segments the index.
    search_lang = "zh" if language.startswith("zh") else language.split("-")[0]
    plugins: list[Any] = [{"search": {"lang": search_lang, "separator": r"[\s\u200b\-]"}}]
    if audience == "internal":
        plugins.append("offline")
    config["plugins"] = plugins
    config["nav"] = nav
    if audience == "internal":
        config["site_name"] = f"{base.get('site_name', 'crisiskit')} (internal)"
    return config


def build_tree(project: Path, composed: list[ComposedIncident], site: SiteOptions, audience: str, language: str,
               languages: list[str], at: datetime, site_dir: Path, theme_files: list[Path]) -> BuiltSite:
    """Assemble one docs tree (and the declared theme files) under build/ and build it with MkDocs into ``site_dir``."""
    base = base_config(project)
    docs_dir = project / "build" / audience / language / "docs"
    remove_tree(docs_dir.parent, project)
    docs_dir.mkdir(parents=True)
    public_assets = list(((base.get("extra") or {}).get("crisiskit") or {}).get("public_assets") or [])
    hand = hand_written_pages(project / "content", language, audience, public_assets)
    for path in hand:
        target = docs_dir / path.relative_to(project / "content" / language)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    for page in language_pages(composed, audience, language, at, site):
        target = docs_dir / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.text, encoding="utf-8")
    home = (docs_dir / "index.md").exists()
    config = site_config(base, project, audience, language, languages, docs_dir, site_dir,
                         _nav(composed, audience, language, at, home))
    if (base.get("theme") or {}).get("custom_dir"):  # MkDocs copies what custom_dir holds: only declared files
        theme_dir = docs_dir.parent / "overrides"
        theme_dir.mkdir()
        source = project / base["theme"]["custom_dir"]
        for path in theme_files:
            (theme_dir / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / path, theme_dir / path)
        config["theme"]["custom_dir"] = str(theme_dir)
    config_path = docs_dir.parent / "mkdocs.yml"
    dumper = YAML()
    dumper.default_flow_style = False
    with config_path.open("w", encoding="utf-8") as handle:
        dumper.dump(config, handle)
    # No --quiet: it drops warnings before --strict counts them, so a strict build would pass them all.
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config_path)],
                            capture_output=True, text=True, cwd=project, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if result.returncode != 0:
        failed = _OS_ERROR.search(result.stderr)
        if failed:
            path = failed["target"] or failed["path"]  # a copy names its source first, then where it wrote
            where = shown(project, Path(path)) if path else shown(project, site_dir)
            raise BuildError(f"{where}: {failed['reason'].lower()} while MkDocs built the {audience} {language} site; "
                             "nothing was published, the live site is unchanged")
        said = [line for line in result.stderr.splitlines() if not line.startswith("INFO")]
        raise BuildError(f"mkdocs build of the {audience} {language} site failed:\n" + "\n".join(said).strip())
    return BuiltSite(audience, language, docs_dir, site_dir)


# The last line of an engine traceback caused by the disk: "OSError: [Errno 28] No space left on device: '/x'".
_OS_ERROR = re.compile(r"^\w*Error: \[Errno \d+\] (?P<reason>[^:\n]+)(?:: '(?P<path>[^'\n]*)'"
                       r"(?: -> '(?P<target>[^'\n]*)')?)?", re.MULTILINE)
# Theme files a site may carry: templates anywhere but assets/, and under assets/ only these types.
ASSET_TYPES = frozenset({".css", ".js", ".woff", ".woff2", ".ttf", ".otf",
                         ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ico"})


def theme_overrides(project: Path, base: dict[str, Any]) -> list[Path]:
    """The files of theme.custom_dir (overrides/) a build may use, relative to it; anything else is refused.

    Templates (``*.html``) are read by the theme; static files are copied into the site, so only
    those under ``assets/`` of the types in ASSET_TYPES (and SVG without script) are declared.
    Dot files are neither copied by MkDocs nor by us, except the icons Material inlines from
    ``.icons/``. A link is refused: it could bring in a file from anywhere.
    """
    name = (base.get("theme") or {}).get("custom_dir")
    if not name:
        return []
    root = project / name
    if root.is_symlink() or not root.resolve().is_relative_to(project.resolve()) or not root.is_dir():
        raise BuildError(f"mkdocs.yml theme.custom_dir: expected a folder inside the project; got {name}")
    paths, refused = tree_files(root, project)
    files = []
    for path in paths:
        relative = path.relative_to(root)
        if path.suffix.lower() == ".svg" and active_svg(path):
            refused.append(f"{shown(project, path)}: expected an image; got {active_svg(path)}")
        elif any(part.startswith(".") for part in relative.parts):
            if relative.parts[0] == ".icons" and path.suffix == ".svg":
                files.append(relative)
        elif relative.parts[0] != "assets" and path.suffix == ".html":
            files.append(relative)
        elif relative.parts[0] == "assets" and path.suffix.lower() in ASSET_TYPES:
            files.append(relative)
        else:
            refused.append(f"{shown(project, path)}: expected a theme template (*.html) or a file under "
                           f"{name}/assets/ of type {', '.join(sorted(t[1:] for t in ASSET_TYPES))}; "
                           f"got {'a ' + path.suffix + ' file' if path.suffix else 'a file without a type'}")
    if refused:
        raise BuildError("\n".join(refused + ["nothing was published"]))
    return files


def write_language_chooser(audience_dir: Path, languages: list[str]) -> None:
    """A plain root page linking to each language's site (no script, no redirect trickery)."""
    links = "".join(f'<li><a href="{lang}/" hreflang="{lang}" lang="{lang}">{LANGUAGE_NAMES.get(lang, lang)}</a></li>'
                    for lang in languages)
    audience_dir.mkdir(parents=True, exist_ok=True)
    (audience_dir / "index.html").write_text(
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Statements</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        f"<body><main><h1>Statements</h1><ul>{links}</ul></main></body></html>\n", encoding="utf-8")


def publish(project: Path, composed: list[ComposedIncident], site: SiteOptions, audiences: tuple[str, ...],
            languages: list[str], at: datetime) -> list[BuiltSite]:
    """Stage every audience's trees, verify them, and switch them live only if every audience passed.

    Verified means: MkDocs --strict built every language, each home page is there, the public tree
    holds only allowed file types and no dead link into itself, and the leak scan of every public
    file found nothing. A failure anywhere, or a full disk, switches nothing.
    """
    from crisiskit.publish.leaks import internal_fragments, scan_site

    built: list[BuiltSite] = []
    try:
        with transaction(project) as run:
            theme_files = theme_overrides(project, base_config(project))
            for audience in audiences:
                staged = run.stage(audience)
                trees = [build_tree(project, composed, site, audience, lang, languages, at, staged / lang, theme_files)
                         for lang in languages]
                write_language_chooser(staged, languages)
                problems = verify_tree(staged, audience, languages, site.for_audience(audience).url, f"site/{audience}")
                if problems:
                    raise BuildError(f"the {audience} site failed verification; nothing was published:\n"
                                     + "\n".join(f"  {p}" for p in problems))
                if audience == "public":
                    leaks = scan_site(staged, internal_fragments(composed, at))
                    if leaks:
                        raise BuildError("the public site contains internal text; nothing was published:\n" + "\n".join(
                            f"  site/public/{leak.file}: {leak.fragment}" for leak in leaks))
                built += [replace(t, site_dir=project / "site" / audience / t.language) for t in trees]
            run.switch()
    except OSError as error:
        path = error.filename2 or error.filename  # a copy or rename names where it wrote second
        where = shown(project, Path(path)) if path else "site"
        raise BuildError(f"{where}: {(error.strerror or str(error)).lower()}; nothing was published, "
                         "the live site is unchanged") from None
    return built
