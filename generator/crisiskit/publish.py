"""Stage 7, publish: one physically separate docs tree and MkDocs build per audience and language.

The public tree is rendered anew with only the revisions visible at the
build time, plus the hand-written public pages; nothing internal is ever
copied into it, so nothing can leak through pages, the search index, the
sitemap, feeds or copied files. The internal tree is the whole review tree.
Each tree gets a complete MkDocs config derived from the root mkdocs.yml
and is built by the real engine in a subprocess (``mkdocs build
--strict``), which keeps the engine swappable.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from ruamel.yaml import YAML

from crisiskit.errors import BuildError
from crisiskit.feeds import render_feeds
from crisiskit.labels import labels
from crisiskit.pages import RenderedPage
from crisiskit.render import ComposedIncident, SiteOptions, render_pages
from crisiskit.write import read_marker

AUDIENCES = ("public", "internal")
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
    """Files under content/<language>/ that a person wrote, as the audience may see them."""
    root = content / language
    chosen = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root).as_posix()
        if path.name.startswith(".") or (path.suffix in (".md", ".json") and read_marker(path) is not None):
            continue
        if audience == "public":
            if path.suffix != ".md" and relative not in public_assets:
                continue
            if path.suffix == ".md" and _front_matter_audience(path) == "internal":
                continue
        chosen.append(path)
    return chosen


def _front_matter_audience(path: Path) -> str | None:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n") or "\n---" not in text[4:]:
        return None
    header = YAML(typ="safe").load(text[4:text.index("\n---", 4)])
    return (header or {}).get("audience") if isinstance(header, dict) else None


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
            entries.append((-revisions[-1].visible_from.timestamp(), item.incident.id,
                            {item.incident.title.get(language): f"incidents/{item.incident.id}/index.md"}))
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
               languages: list[str], at: datetime, out_dir: Path) -> BuiltSite:
    """Assemble one docs tree under build/ and build it with MkDocs into site/."""
    base = base_config(project)
    docs_dir = project / "build" / audience / language / "docs"
    site_dir = out_dir / audience / language
    if docs_dir.parent.exists():
        shutil.rmtree(docs_dir.parent)
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
    config_path = docs_dir.parent / "mkdocs.yml"
    dumper = YAML()
    dumper.default_flow_style = False
    with config_path.open("w", encoding="utf-8") as handle:
        dumper.dump(config, handle)
    if site_dir.exists():
        shutil.rmtree(site_dir)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(config_path)],
                            capture_output=True, text=True, cwd=project)
    if result.returncode != 0:
        raise BuildError(f"mkdocs build of the {audience} {language} site failed:\n{result.stderr.strip()}")
    return BuiltSite(audience, language, docs_dir, site_dir)


def write_language_chooser(audience_dir: Path, languages: list[str]) -> None:
    """A plain root page linking to each language's site (no script, no redirect trickery)."""
    links = "".join(f'<li><a href="{lang}/" hreflang="{lang}" lang="{lang}">{LANGUAGE_NAMES.get(lang, lang)}</a></li>'
                    for lang in languages)
    audience_dir.mkdir(parents=True, exist_ok=True)
    (audience_dir / "index.html").write_text(
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Statements</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        f"<body><main><h1>Statements</h1><ul>{links}</ul></main></body></html>\n", encoding="utf-8")
