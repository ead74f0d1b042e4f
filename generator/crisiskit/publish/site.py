"""Stage 7, publish: one physically separate docs tree and MkDocs build per audience and language.

The public tree is rendered anew with only the revisions visible at the
build time, plus the hand-written public pages; nothing internal is ever
copied into it, so nothing can leak through pages, the search index, the
sitemap, feeds or copied files. The internal tree is the whole review tree.
Each tree gets a small MkDocs config file that inherits the root mkdocs.yml
(``INHERIT:``) and is built by MkDocs as a library in a worker process
(engine.py); the engine gets only Markdown, front matter and configuration,
which keeps it swappable. What goes in is decided the
way the engine decides it (its own front-matter reader) and from declared
files only (the theme gets a filtered copy of overrides/); every audience
is built into a staging tree, verified, and switched live whole (switch.py).
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from mkdocs.utils.meta import YAML_RE, SafeLoader, get_data
from yaml import YAMLError
from yaml import load as load_front_matter

from crisiskit.compose.composed import ComposedIncident, SiteOptions
from crisiskit.compose.labels import labels
from crisiskit.errors import BuildError
from crisiskit.publish.archive import (
    NEEDLES_FILE,
    Assembly,
    PartBuild,
    PartOutput,
    Source,
    check_parts,
    engine_key,
    keep,
    plan_parts,
    read_part,
    record_part,
    remember_needles,
    remembered_needles,
    scan_language,
    settle,
    split_parts,
    tree_names,
    walk_kept,
    write_file,
)
from crisiskit.publish.engine import EngineJob, engine_pool, finish, read_root_config, submit
from crisiskit.publish.public import PublicInput, incident_public, public_input
from crisiskit.publish.switch import (
    active_svg,
    missing_homes,
    remove_tree,
    shown,
    transaction,
    tree_files,
    verify_tree,
)
from crisiskit.render.feeds import render_feeds
from crisiskit.render.internal import nav_incidents
from crisiskit.render.pages import render_pages
from crisiskit.render.rendered import RenderedPage
from crisiskit.render.status import LANGUAGE_NAMES, ROOT_SCRIPT, ROOT_STYLE, language_chooser, with_status
from crisiskit.write import has_marker

log = logging.getLogger("crisiskit.publish.engine")  # the engine's messages, whichever module hands them on
MAX_NAV_INCIDENTS = 20
WORKER_SHIM = "assets/javascripts/crisiskit-iframe-worker.js"  # overrides/: a Worker for pages opened from disk


@dataclass(frozen=True)
class BuiltSite:
    """Where one audience's site for one language was built."""

    audience: str
    language: str
    docs_dir: Path
    site_dir: Path
    worker: int = 0  # the pid of the engine worker that built it


def hand_written_pages(
    content: Path,
    language: str,
    audience: str,
    public_assets: list[str],
    marked: Callable[[Path], bool] = has_marker,
) -> list[Path]:
    """Files under content/<language>/ that a person wrote, as the audience may see them.

    A link among them is refused rather than followed: it could bring in a file from anywhere.
    ``marked`` says whether a file carries a crisiskit marker (write.has_marker, or its answers remembered:
    cache.MarkerCache).
    """
    root = content / language
    chosen, refused = tree_files(root, content.parent)
    if refused:
        raise BuildError("\n".join(refused + ["nothing was published"]))
    pages = []
    start = len(os.fspath(root)) + 1  # tree_files' paths are under root: a slice, not a relative_to per file
    for path in chosen:
        relative = os.fspath(path)[start:].replace(os.sep, "/")
        if path.name.startswith(".") or (path.suffix in (".md", ".json") and marked(path)):
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
        raise BuildError(
            f"{shown}:1:1 expected UTF-8 text; got byte {error.object[error.start]:#04x} at offset {error.start}"
        ) from None
    fenced = YAML_RE.match(text)
    if fenced:
        try:
            header = load_front_matter(fenced.group(1), SafeLoader)
        except YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"{mark.line + 2}:{mark.column + 1}" if mark else "1:1"
            raise BuildError(
                f"{shown}:{where} front matter: expected YAML MkDocs can read; got "
                f"{getattr(error, 'problem', None) or error}"
            ) from None
        if header is not None and not isinstance(header, dict):
            raise BuildError(f"{shown}:2:1 front matter: expected key: value pairs; got {type(header).__name__}")
    _, meta = get_data(text)
    value = meta.get("audience", "public")
    if value not in ("public", "internal"):
        line = next((n for n, row in enumerate(text.splitlines(), 1) if row.strip().lower().startswith("audience")), 1)
        raise BuildError(f"{shown}:{line}:1 audience: expected public or internal; got {value!r}")
    return value


def audience_pages(composed: list[ComposedIncident], audience: str, at: datetime) -> list[RenderedPage]:
    """Every generated page of one audience, in every language: rendered once, then split by language."""
    return render_pages(composed, "public" if audience == "public" else "internal", at)


def language_pages(
    pages: list[RenderedPage],
    composed: list[ComposedIncident],
    audience: str,
    language: str,
    at: datetime,
    site: SiteOptions,
) -> list[RenderedPage]:
    """Generated pages of one tree (``pages``: the audience's, from audience_pages), paths relative to its root."""
    prefix = PurePosixPath(language)
    out = [RenderedPage(p.path.relative_to(prefix), p.text, p.source) for p in pages if p.path.parts[0] == language]
    out += render_feeds(composed, site.for_audience(audience), language, at if audience == "public" else None)
    return out


def _nav(language: str, home: bool, internal: list[tuple[str, str]] | None = None) -> list[Any]:
    """The navigation: home and the incidents index, the same on every page.

    Open incidents are on the incidents index (first) and never in the public navigation: a navigation that
    changed with every new title would change every page of the archive, so no part of the public site
    (archive.py) could be kept from one update to the next. The internal site (``internal``: its open
    incidents, escaped title and id, at most render/internal.py's NAV_OPEN_INCIDENTS) is built whole, so
    its navigation also leads to each open incident's statement, Q&A and channel posts.
    """
    t = labels(language)
    if internal is None:
        nav: list[Any] = [{LANGUAGE_NAMES.get(language, language): "index.md"}] if home else []
    else:
        w = t["internal_site"]
        nav = [{w["home_title"]: "index.md"}] if home else []
        for title, incident in internal:
            folder = f"incidents/{incident}/"
            nav.append({title: [folder + "index.md", {w["qa"]: folder + "qa.md"}, {w["posts"]: folder + "posts.md"}]})
    nav.append({t["incidents"]: ["incidents/index.md"]})
    return nav


def _within(path: Path, project: Path) -> str:
    """A folder as the site's config names it: relative to the project when inside it (MkDocs resolves it
    against the root mkdocs.yml, engine.load_site_config), so a copied or moved project keeps its built parts
    (their keys hash the config text, archive.py); absolute otherwise."""
    return path.relative_to(project).as_posix() if path.is_relative_to(project) else str(path)


def site_config(
    base: dict[str, Any],
    project: Path,
    audience: str,
    language: str,
    languages: list[str],
    docs_dir: Path,
    site_dir: Path,
    nav: list[Any],
    theme_dir: Path | None,
) -> dict[str, Any]:
    """What one tree's config file says besides ``INHERIT``: only the keys that differ per site.

    MkDocs merges it over the root mkdocs.yml: ``theme`` and ``extra`` deeply, while ``plugins``
    and ``nav`` (lists) replace the root's, so each site gets exactly the plugins named here.
    """
    t = labels(language)
    theme_name = base.get("theme")
    theme: dict[str, Any] = {"name": theme_name} if isinstance(theme_name, str) else {}
    theme["language"] = language
    if theme_dir is not None:
        theme["custom_dir"] = _within(theme_dir, project)
    # Chinese needs lunr's zh language (its trimmer keeps Han characters); jieba segments the index.
    search_lang = "zh" if language.startswith("zh") else language.split("-")[0]
    plugins: list[Any] = [{"search": {"lang": search_lang, "separator": r"[\s\u200b\-]"}}]
    internal = audience == "internal"
    if internal:
        plugins.append("offline")
    config: dict[str, Any] = {
        "INHERIT": os.path.relpath(project / "mkdocs.yml", docs_dir.parent),
        "strict": True,  # MkDocs' own strict mode: any warning aborts the build
        "docs_dir": _within(docs_dir, project),
        "site_dir": _within(site_dir, project),
        "site_url": f"{SiteOptions(str(base['site_url'])).for_audience(audience).url.rstrip('/')}/{language}/",
        "theme": theme,
        "extra": {
            "alternate": [  # the internal site is opened from disk too: a relative link (no file:///<lang>/)
                {
                    "name": LANGUAGE_NAMES.get(lang, lang),
                    "link": f"../{lang}/" if internal else f"/{lang}/",
                    "lang": lang,
                }
                for lang in languages
            ],
            "crisiskit": {
                "audience": audience,
                "labels": {
                    k: t[k]
                    for k in (
                        "internal",
                        "draft",
                        "status_label",
                        "severity_label",
                        "last_updated",
                        "next_update",
                        "status_site",
                        "made_with",  # the footer (overrides/partials/copyright.html)
                        "not_found",  # the 404 page (overrides/404.html)
                    )
                },
            },
        },
        "plugins": plugins,
        "nav": nav,
        # the project's own hooks (a list, so this one replaces the root's), then crisiskit's: see mkdocs_hooks.py
        "hooks": [*(base.get("hooks") or []), str(Path(__file__).with_name("mkdocs_hooks.py"))],
    }
    # One site_name (description, copyright) per MkDocs config, so per language: mkdocs.yml
    # extra.crisiskit.<key> is one text, or a text per language (a language not named keeps the root's <key>).
    extra: dict[str, Any] = base["extra"] if isinstance(base.get("extra"), dict) else {}
    named: dict[str, Any] = extra["crisiskit"] if isinstance(extra.get("crisiskit"), dict) else {}
    for key in ("site_name", "site_description", "copyright"):
        value = named.get(key)
        value = value.get(language) if isinstance(value, dict) else value
        if value is not None and not isinstance(value, str):
            raise BuildError(f"mkdocs.yml extra.crisiskit.{key}: expected a text or a text per language; got {value!r}")
        if value:
            config[key] = value
    for channel, value in (named.get("subscribe") or {}).items() if isinstance(named.get("subscribe"), dict) else []:
        for one in value.values() if isinstance(value, dict) else [value]:  # a link, or a link per language
            if not (isinstance(one, str) and one.lower().startswith(("https://", "mailto:"))):
                raise BuildError(  # main.html would leave it out silently: say so before anything is built
                    f"mkdocs.yml extra.crisiskit.subscribe.{channel}: expected an https: or mailto: address "
                    f"(or one per language); got {one!r}"
                )
    if audience == "internal":
        name = config.get("site_name", base.get("site_name", "crisiskit"))
        config["site_name"] = t["site_internal"].format(name=name)
        if theme_dir is not None and (theme_dir / WORKER_SHIM).is_file():  # search opened from disk (file:)
            config["extra"]["polyfills"] = [WORKER_SHIM]  # instead of the offline plugin's shim from unpkg.com
    return config


def prepare_tree(
    project: Path,
    base: dict[str, Any],
    composed: list[ComposedIncident],
    site: SiteOptions,
    audience: str,
    language: str,
    languages: list[str],
    at: datetime,
    site_dir: Path,
    theme_files: list[Path],
    pages: list[RenderedPage],
) -> EngineJob:
    """Assemble one docs tree, the declared theme files and the site's config file under build/; the engine's job."""
    docs_dir = project / "build" / audience / language / "docs"
    docs_dir.mkdir(parents=True)  # publish cleared build/<audience>/ first
    public_assets = list(((base.get("extra") or {}).get("crisiskit") or {}).get("public_assets") or [])
    hand = hand_written_pages(project / "content", language, audience, public_assets)
    for path in hand:
        target = docs_dir / path.relative_to(project / "content" / language)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    for page in language_pages(pages, composed, audience, language, at, site):
        target = docs_dir / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.text, encoding="utf-8")
    theme_dir = None
    if isinstance(base.get("theme"), dict) and base["theme"].get("custom_dir"):
        theme_dir = docs_dir.parent / "overrides"  # MkDocs copies what custom_dir holds: only declared files
        theme_dir.mkdir()
        source = project / base["theme"]["custom_dir"]
        for path in theme_files:
            (theme_dir / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / path, theme_dir / path)
    internal = nav_incidents(composed, language, at) if audience == "internal" else None
    nav = _nav(language, (docs_dir / "index.md").exists(), internal)
    config = site_config(base, project, audience, language, languages, docs_dir, site_dir, nav, theme_dir)
    config_file = docs_dir.parent / "mkdocs.yml"
    config_file.write_text(
        f"# The {audience} {language} site, written by crisiskit build; the rest is the root "
        "mkdocs.yml.\n" + yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return EngineJob(
        audience, language, config_file, project, logging.INFO if log.isEnabledFor(logging.DEBUG) else logging.WARNING
    )


def prepare_public(
    project: Path,
    base: dict[str, Any],
    public: PublicInput,
    language: str,
    languages: list[str],
    theme_dir: Path | None,
    common: str,
    ready: Callable[[PartBuild], object] = lambda build: None,
    marked: Callable[[Path], bool] = has_marker,
    defer: bool = False,
) -> list[PartBuild]:
    """One language's public site as parts (archive.py): which are kept from the last run, which to build (each
    handed to ``ready`` as soon as its docs are written; ``marked`` as for hand_written_pages; ``defer``: the
    parts that may be kept are checked by the caller, archive.settle)."""
    content = project / "content"
    public_assets = list(((base.get("extra") or {}).get("crisiskit") or {}).get("public_assets") or [])
    files: dict[str, Source] = {}
    for path in hand_written_pages(content, language, "public", public_assets, marked):
        files[path.relative_to(content / language).as_posix()] = Source.of(path.read_bytes())
    files.update(public.files.get(language, {}))
    if "index.md" in files and language in public.homes:  # the home page's status block (render/status.py)
        home = with_status(files["index.md"].read().decode("utf-8-sig"), public.homes[language])
        files["index.md"] = Source.of(home.encode("utf-8"))
    nav = _nav(language, "index.md" in files)

    def config_for(docs_dir: Path, site_dir: Path, exclude: str) -> dict[str, Any]:
        config = site_config(base, project, "public", language, languages, docs_dir, site_dir, nav, theme_dir)
        config["exclude_docs"] = exclude  # the other parts' files: MkDocs' own way of keeping them out of a build
        config["extra"]["crisiskit"]["standby"] = public.standby  # the dark site: noindex on every page (main.html)
        return config

    parts = split_parts(files, public.dates.get(language, {}))
    return plan_parts(project / "build" / "public" / language, language, parts, config_for, common, ready, defer)


def sync_theme(project: Path, base: dict[str, Any], theme_files: list[Path], target: Path) -> Path | None:
    """The declared theme files copied to ``target`` (only what changed is written), for every part to use."""
    if not (isinstance(base.get("theme"), dict) and base["theme"].get("custom_dir")):
        if target.is_dir():
            shutil.rmtree(target)
        return None
    source = project / base["theme"]["custom_dir"]
    wanted = {path.as_posix() for path in theme_files}
    if target.is_dir():
        for top, _dirs, names in os.walk(target):
            for name in names:
                path = Path(top, name)
                if path.relative_to(target).as_posix() not in wanted:
                    path.unlink()
    for path in theme_files:
        data = (source / path).read_bytes()
        out = target / path
        if out.is_file() and not out.is_symlink() and out.read_bytes() == data:
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        out.unlink(missing_ok=True)
        write_file(out, data)
    target.mkdir(parents=True, exist_ok=True)
    return target


# Theme files a site may carry: templates anywhere but assets/, and under assets/ only these types.
ASSET_TYPES = frozenset(
    {".css", ".js", ".woff", ".woff2", ".ttf", ".otf", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ico"}
)


def theme_overrides(project: Path, base: dict[str, Any]) -> list[Path]:
    """The files of theme.custom_dir (overrides/) a build may use, relative to it; anything else is refused.

    Templates (``*.html``) are read by the theme; static files are copied into the site, so only
    those under ``assets/`` of the types in ASSET_TYPES (and SVG without script) are declared.
    Dot files are neither copied by MkDocs nor by us, except the icons Material inlines from
    ``.icons/``. A link is refused: it could bring in a file from anywhere.
    """
    theme = base.get("theme")
    name = theme.get("custom_dir") if isinstance(theme, dict) else None
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
        elif path.suffix == ".html" if relative.parts[0] != "assets" else path.suffix.lower() in ASSET_TYPES:
            files.append(relative)
        else:
            refused.append(
                f"{shown(project, path)}: expected a theme template (*.html) or a file under "
                f"{name}/assets/ of type {', '.join(sorted(t[1:] for t in ASSET_TYPES))}; "
                f"got {'a ' + path.suffix + ' file' if path.suffix else 'a file without a type'}"
            )
    if refused:
        raise BuildError("\n".join(refused + ["nothing was published"]))
    return files


def write_language_chooser(
    audience_dir: Path, languages: list[str], noindex: bool = False, offline: bool = False
) -> None:
    """The root page (render/status.py): each language's site, and a script that opens the reader's language;
    ``noindex`` as the pages below it."""
    assets = f"{languages[0]}/assets/" if languages else None
    if assets and not all((audience_dir / assets / name).is_file() for name in (ROOT_SCRIPT, ROOT_STYLE)):
        assets = None  # a project whose theme overrides do not carry them: plain links
    audience_dir.mkdir(parents=True, exist_ok=True)
    (audience_dir / "index.html").write_text(language_chooser(languages, assets, noindex, offline), encoding="utf-8")


def publish(
    project: Path,
    composed: list[ComposedIncident],
    site: SiteOptions,
    audiences: tuple[str, ...],
    languages: list[str],
    at: datetime,
    public: PublicInput | None = None,
    meanwhile: Callable[[], object] | None = None,
    marked: Callable[[Path], bool] = has_marker,
) -> list[BuiltSite]:
    """Stage every audience's trees, verify them, and switch them live only if every audience passed.

    Verified means: MkDocs --strict built every language, each home page is there, the public tree
    holds only allowed file types and no dead link into itself, and the leak scan of every public
    file found nothing. A failure anywhere, or a full disk, switches nothing. The public site is
    built in parts (archive.py): a part whose inputs did not change since the last run is kept.
    ``public`` is what the public site shows (public.py); made from ``composed`` when not given.
    ``meanwhile`` runs once every build is handed to the engine (writing content/ while MkDocs works);
    if it fails, nothing is switched. ``marked`` tells generated files in content/ (hand_written_pages).
    """
    if "public" in audiences and public is None:
        public = public_input([incident_public(item, site, at, []) for item in composed], site, languages)
    built: list[BuiltSite] = []
    try:
        # the linking threads are waited for (exit order) before the transaction clears what it staged
        with transaction(project) as run, engine_pool() as pool, ThreadPoolExecutor(max(len(languages), 1)) as linking:
            base = read_root_config(project)
            theme_files = theme_overrides(project, base)
            started = {}  # every tree is handed to the engine as soon as it is assembled; both workers stay busy
            parts: dict[str, list[PartBuild]] = {}
            early: dict[str, tuple[Assembly, Future[None]]] = {}
            for audience in audiences:
                staged = run.stage(audience, keep=languages)
                if audience == "public" and public is not None:
                    url = site.for_audience("public").url
                    reuse = audience in run.recycled  # staged in the release the last run replaced: its files reused

                    def planned(lang: str, builds: list[PartBuild], into: Path = staged, reuse: bool = reuse) -> None:
                        assembly = Assembly(into / lang, reuse)  # the kept parts' files, linked while the engine works
                        early[lang] = (assembly, linking.submit(assembly.link, [b for b in builds if b.reused]))

                    parts = _start_public(
                        project, run, pool, base, theme_files, public, languages, url, marked, planned
                    )
                    continue
                pages = audience_pages(composed, audience, at)
                run.clear(project / "build" / audience)  # the last run's trees: renamed away, removed meanwhile
                for lang in languages:
                    job = prepare_tree(
                        project, base, composed, site, audience, lang, languages, at, staged / lang, theme_files, pages
                    )
                    started[audience, lang] = (job, submit(pool, job))
            if meanwhile is not None:
                meanwhile()
            needles = public.needles if public is not None else None
            for audience in audiences:
                staged = run.staged[audience]
                if audience == "public" and public is not None:
                    built += _finish_public(project, staged, parts, languages, site, public, linking, early)
                    continue
                workers = {
                    lang: finish(future, job, f"site/{audience}/{lang}").worker
                    for lang in languages
                    for job, future in [started[audience, lang]]
                }
                internal = audience == "internal"  # carried and opened from disk: links to files
                write_language_chooser(staged, languages, noindex=internal, offline=internal)
                problems = verify_tree(staged, audience, languages, site.for_audience(audience).url, f"site/{audience}")
                if problems:
                    raise BuildError(
                        f"the {audience} site failed verification; nothing was published:\n"
                        + "\n".join(f"  {p}" for p in problems)
                    )
                built += [
                    BuiltSite(
                        audience,
                        lang,
                        started[audience, lang][0].config_file.parent / "docs",
                        project / "site" / audience / lang,
                        workers[lang],
                    )
                    for lang in languages
                ]
            run.switch()
            if needles is not None:
                keep([b for lang in languages for b in parts.get(lang, [])], needles.digest)
                remember_needles(project / "build" / "public", needles)
    except OSError as error:
        path = error.filename2 or error.filename  # a copy or rename names where it wrote second
        where = shown(project, Path(path)) if path else "site"
        raise BuildError(
            f"{where}: {(error.strerror or str(error)).lower()}; nothing was published, the live site is unchanged"
        ) from None
    return built


def _start_public(
    project: Path,
    run: Any,
    pool: Any,
    base: dict[str, Any],
    theme_files: list[Path],
    public: PublicInput,
    languages: list[str],
    url: str,
    marked: Callable[[Path], bool] = has_marker,
    planned: Callable[[str, list[PartBuild]], object] = lambda language, builds: None,
) -> dict[str, list[PartBuild]]:
    """Plan every language's parts and hand each part that must be built to the engine (``url``: the public
    site's address, which reading a built part checks its links against); each language's parts go to
    ``planned`` as soon as they are planned."""
    root = project / "build" / "public"
    remove_tree(root, project, check_only=True)  # refuses a build/public that is, or goes through, a link
    root.mkdir(parents=True, exist_ok=True)
    for old in root.iterdir():  # what an earlier crisiskit (one tree per language) or a dropped language left
        if old.name not in languages and old.name not in ("overrides", NEEDLES_FILE):
            run.clear(old) if old.is_dir() and not old.is_symlink() else old.unlink()
        elif old.name in languages and old.is_dir() and not old.is_symlink():
            for entry in old.iterdir():
                if entry.name != "parts":
                    run.clear(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    theme_dir = sync_theme(project, base, theme_files, root / "overrides")
    common = engine_key(project, base, theme_dir)
    level = logging.INFO if log.isEnabledFor(logging.DEBUG) else logging.WARNING
    parts = {}

    def start(build: PartBuild) -> None:  # each part to the engine as soon as its docs are written
        build.job = EngineJob(
            "public",
            build.language,
            build.config_file,
            project,
            level,
            part=build.part.name,
            epoch=build.part.epoch,
            after=partial(read_part, PartOutput.of(build), url),  # read in the worker, as soon as built
        )
        build.future = submit(pool, build.job)

    for lang in languages:  # every language's changed parts to the engine first ...
        parts[lang] = prepare_public(
            project, base, public, lang, languages, theme_dir, common, start, marked, defer=True
        )
    for lang in languages:  # ... then the others checked (and built after all if their output is not intact)
        builds = parts[lang]
        settle(builds, start)
        planned(lang, builds)
        kept = sum(b.reused for b in builds)
        log.debug("public %s site: %d part(s), %d kept from the last build", lang, len(builds), kept)
    return parts


def _finish_public(
    project: Path,
    staged: Path,
    parts: dict[str, list[PartBuild]],
    languages: list[str],
    site: SiteOptions,
    public: PublicInput,
    linking: ThreadPoolExecutor,
    early: dict[str, tuple[Assembly, Future[None]]],
) -> list[BuiltSite]:
    """Wait for the public parts, read each new one once, assemble every language, verify and scan the whole.

    ``early``: each language's assembly, with the linking of its kept parts started meanwhile in ``linking``.
    """
    from crisiskit.publish.leaks import Leak, normalise, read_file, scannable_text

    needles = public.needles

    lines: dict[str, str] = {}
    refused: list[Leak] = []
    built = []
    before = remembered_needles(project / "build" / "public")  # the kept parts, searched while the engine works
    leaks = [leak for lang in languages for leak in walk_kept(parts[lang], needles, needles.digest, before)]
    workers: dict[str, int] = {}
    for lang in languages:
        for build in parts[lang]:
            if build.future is not None:
                result = finish(build.future, build.job, f"site/public/{lang}")
                workers.setdefault(lang, result.worker)
                refused += record_part(build, result.after)  # read in the worker (archive.read_part)

    def rest(lang: str) -> set[str]:  # linking thousands of files: system calls, a thread per language
        assembly, kept = early[lang]
        kept.result()
        return assembly.finish(parts[lang])

    assembled = dict(zip(languages, linking.map(rest, languages), strict=True))
    for lang in languages:
        front = parts[lang][0]
        built.append(
            BuiltSite("public", lang, front.folder / "docs", project / "site" / "public" / lang, workers.get(lang, 0))
        )
    write_language_chooser(staged, languages, noindex=public.standby)
    every = [b for lang in languages for b in parts[lang]]
    problems = missing_homes(staged, languages, "site/public") + check_parts(every, tree_names(staged, assembled))
    if problems:
        raise BuildError(
            "the public site failed verification; nothing was published:\n" + "\n".join(f"  {p}" for p in problems)
        )
    leaks += refused
    for path in sorted(p for p in staged.iterdir() if not p.is_dir()):
        found = needles_in(needles, scannable_text(read_file(path), path.name, lines)) | needles_in(
            needles, normalise(path.name)
        )
        leaks += [Leak(path.name, label) for label in sorted(found)]
    for lang in languages:
        leaks += scan_language(parts[lang], staged / lang, needles)
    if leaks:
        raise BuildError(
            "the public site contains internal text; nothing was published:\n"
            + "\n".join(f"  site/public/{leak.file}: {leak.fragment}" for leak in sorted(leaks, key=_leak_order))
        )
    return built


def _leak_order(leak: Any) -> tuple[str, str]:
    return leak.file, leak.fragment


def needles_in(needles: Any, text: str) -> set[str]:
    from crisiskit.publish.leaks import _values_in

    return _values_in(needles.automaton, text)
