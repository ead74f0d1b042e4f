"""The orchestrator: the pipeline's stages in order, and nothing else.

load -> validate -> resolve -> render -> check -> write -> publish. Every
stage but write and publish returns objects and touches no disk. Problems
in the input are gathered through load, validate and resolve, then raised
once, so a user sees every problem of the run together.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from crisiskit.errors import BuildError, KitError, UserError
from crisiskit.model.incident import Incident
from crisiskit.model.load import load_kits
from crisiskit.model.resolve import resolve_incidents
from crisiskit.model.validate import validate_kits

if TYPE_CHECKING:  # the later stages load only when a command needs them, so `check` starts fast
    from crisiskit.checks.findings import Finding
    from crisiskit.compose.composed import ComposedIncident, SiteOptions
    from crisiskit.compose.record import RecordEntries
    from crisiskit.publish.site import BuiltSite
    from crisiskit.write import WritePlan

log = logging.getLogger(__name__)
COMPOSE_BATCH = 32
HELD_WHILE_BUILDING = 256
"""The most kits whose review pages a build holds in memory while the engine works (about 200 MB at 256)."""


def read_incidents(paths: list[Path]) -> list[Incident]:
    """load, validate, resolve; raise KitError listing every problem."""
    resolved = resolve_incidents(validate_kits(load_kits(paths)))
    if resolved.problems:
        raise KitError(resolved.problems)
    log.debug(
        "%d incident(s) loaded, validated and resolved from %s",
        len(resolved.incidents),
        ", ".join(str(p) for p in paths),
    )
    return resolved.incidents


def read_site_options(project: Path) -> SiteOptions:
    """The public site's address: ``site_url`` of the root mkdocs.yml as MkDocs reads it (tags, INHERIT kept)."""
    from crisiskit.compose.composed import SiteOptions
    from crisiskit.publish.engine import read_root_config

    config = project / "mkdocs.yml"
    url = read_root_config(project).get("site_url") if config.exists() else None
    if not url:
        raise UserError(f"{config}: expected site_url (the public site's address, used in every post's link); got none")
    return SiteOptions(str(url))


def compose(incidents: list[Incident], site: SiteOptions, project: Path | None = None) -> list[ComposedIncident]:
    """Every revision of every incident composed in every language (with the project's crisiskit.yml, if any)."""
    from crisiskit.compose.composed import compose_incident
    from crisiskit.model.config import Config, load_config

    config = load_config(project) if project is not None else Config()
    return [
        compose_incident(incident, site, config, approved_record(project, incident.id) if project else None)
        for incident in incidents
    ]


def approved_record(project: Path, incident_id: str) -> RecordEntries:
    """What the review tree's kit.json recorded of approved texts (compose/record.py; empty when none), read and
    verified by compose_incident: an entry equal to a text composed this run is verified without hashing it again.

    kit.json is generated and committed; it keeps the text every approval covered, which is what a fully
    approved revision published (composed from it, never again from today's kit), and lets `check` name
    the field that changed after an edit. An entry whose text does not hash to its hash is a hand edit:
    reported at its line, never used. A kit.json that does not parse is simply not used.
    """
    from crisiskit.cache import read_regular, record_file

    return record_entries(project, incident_id, read_regular(record_file(project, incident_id)))  # never a link


def record_entries(project: Path, incident_id: str, raw: bytes | None) -> RecordEntries:
    """``approved_record`` of kit.json's bytes ``raw``, read already by the caller (the check cache keys its
    entry by those very bytes)."""
    from crisiskit.cache import record_file
    from crisiskit.compose.record import read_entries
    from crisiskit.model.load import display_path

    return read_entries(raw, display_path(record_file(project, incident_id)))


def read_project(project: Path) -> tuple[list[ComposedIncident], SiteOptions]:
    """The project's kits loaded, resolved and composed once, with its site options: what every later stage reads."""
    site = read_site_options(project)
    return compose(read_incidents([project / "kits"]), site, project), site


def generate(
    project: Path,
    *,
    check_only: bool = False,
    force: bool = False,
    composed: list[ComposedIncident] | None = None,
    cache: bool = True,
    fresh: dict[str, Rendered] | None = None,
) -> WritePlan:
    """load -> validate -> resolve -> render -> write: the review tree under content/ (``composed``: already read).

    Kits whose bytes and pages are as the last run left them are not rendered again (cache.py), unless
    ``cache`` is false; ``composed`` is used only when caches are off. `build` passes its composition
    and, with caches on, renders and holds in memory only the pages of new or changed kits.
    """
    from crisiskit.render.pages import render_pages
    from crisiskit.write import plan_writes, write_pages

    if cache:
        plan = _generate_with_cache(project, check_only=check_only, force=force, fresh=fresh or {})
        if plan is not None:
            return plan
    if composed is None:
        composed, _site = read_project(project)
    pages = render_pages(composed, "review")
    log.debug("%d page(s) rendered for content/", len(pages))
    content = project / "content"
    if check_only:
        return plan_writes(pages, content)
    from crisiskit.publish.switch import guard_project

    guard_project(project)  # a content/ (or site/, build/) leading out of the project is refused, never written through
    return write_pages(pages, content, force=force)


def _kit_files(files: Sequence[tuple[Path, str, Path]]) -> list[tuple[Path, str, bytes]] | None:
    """Each incident kit of ``files`` (from load.discover), the name it is shown by, and its bytes, read once
    before anything is loaded; None if one is not a plain file of bounded size (a link, a device, a giant),
    which the full path, reading every kit, reports."""
    from crisiskit.cache import read_regular
    from crisiskit.model.load import display_path

    kits = []
    for path, kind, _ in files:
        if kind != "incident":
            continue
        data = read_regular(path)
        if data is None:
            return None
        kits.append((path, display_path(path), data))
    return kits


def _remembered(cache: Any, kits: list[tuple[Path, str, bytes]], at: datetime) -> tuple[list, dict, dict]:
    """What ``cache`` remembers of each kit at ``at``: the entries found, their incident ids by the name each kit is
    shown by, and the kits it does not remember (path and bytes, by name), which must be read afresh."""
    found = []
    ids: dict[str, str] = {}
    missed: dict[str, tuple[Path, bytes]] = {}
    for path, shown, data in kits:
        entry = cache.lookup(data, shown, at)
        if entry is None:
            missed[shown] = (path, data)
        else:
            ids[shown] = entry.incident_id
            found.append(entry)
    return found, ids, missed


Rendered = tuple[bytes, str, list, dict[str, list]]
"""One kit's review pages as this run rendered them: (the kit's bytes, its incident id, its pages, its index lines)."""


def _generate_with_cache(
    project: Path, *, check_only: bool, force: bool, fresh: dict[str, Rendered]
) -> WritePlan | None:
    """`generate` rendering only kits whose bytes or pages changed (cache.py); None when caches are off.

    The incidents index lists every incident: its lines for unchanged kits come from the cache, so
    it is rendered whole every time. Problems between kits (two files with one id) and kits that
    do not load go to the full path, which reads every kit and says what is wrong. ``fresh``: kits
    this run composed already (a build), by the name they are shown by, used while their bytes match.
    """
    from crisiskit.cache import GenerateCache
    from crisiskit.model.load import discover
    from crisiskit.render.pages import index_page, index_rows, render_pages
    from crisiskit.write import plan_writes, write_pages

    files = discover([project / "kits"])
    site = read_site_options(project)
    cache = GenerateCache.open(project, site.url, [path for path, kind, _ in files if kind == "scenario"])
    if cache is None:
        return None
    try:
        content = project / "content"
        ids: dict[str, str] = {}
        rows: dict[str, list] = {}
        kept: set[PurePosixPath] = set()
        missed: dict[str, tuple[Path, bytes]] = {}
        kits = _kit_files(files)
        if kits is None:
            return None
        pages = []
        made: list[tuple[str, bytes, str, list[PurePosixPath], dict[str, list]]] = []
        for path, shown, data in kits:
            if shown in fresh and fresh[shown][0] == data:
                _data, incident_id, rendered, lines = fresh[shown]
                ids[shown] = incident_id
                pages += rendered
                for lang, found in lines.items():
                    rows.setdefault(lang, []).extend(found)
                made.append((shown, data, incident_id, [p.path for p in rendered], lines))
                continue
            entry = cache.lookup(data, shown, content)
            if entry is None:
                missed[shown] = (path, data)
                continue
            ids[shown] = entry.incident_id
            kept.update(entry.pages)
            for lang, remembered in entry.rows.items():
                rows.setdefault(lang, []).extend(remembered)
        if missed:
            for item in compose(read_incidents([path for path, _ in missed.values()]), site, project):
                shown = item.incident.source
                if shown not in missed:
                    return None
                own = render_pages([item], "review", index=False)
                own_rows: dict[str, list] = {
                    lang: list(index_rows(item, list(item.incident.revisions), lang))
                    for lang in item.incident.languages
                }
                for lang, found in own_rows.items():
                    rows.setdefault(lang, []).extend(found)
                ids[shown] = item.incident.id
                pages += own
                made.append((shown, missed[shown][1], item.incident.id, [p.path for p in own], own_rows))
        if len(set(ids.values())) != len(ids) or len(ids) != len(kits):
            return None
        pages += [index_page(rows[lang], lang) for lang in sorted(rows)]
        log.debug("%d page(s) rendered for content/", len(pages))
        log.debug("generate: %d of %d kit(s) new or changed, the rest remembered (build/cache/)", len(made), len(kits))
        if check_only:
            return plan_writes(pages, content, kept=frozenset(kept))
        from crisiskit.publish.switch import guard_project

        guard_project(project)
        plan = write_pages(pages, content, force=force, kept=frozenset(kept))
        for shown, data, incident_id, written, own_rows in made:
            cache.store(data, shown, incident_id, written, own_rows, content)
        cache.flush()
        return plan
    finally:
        cache.close()  # its connection, now: not whenever the collector frees it


def build(project: Path, *, at: datetime, audiences: tuple[str, ...], force: bool = False) -> list[BuiltSite]:
    """generate, then stage, verify (strict build, file types, links, leak scan) and switch each audience's site.

    A public-only build composes and judges only the kits whose inputs changed since the last build
    (publish/public.py keeps what the public site shows of each incident, for the moments it holds);
    the internal site shows everything, so a build that includes it composes every kit.
    """
    from crisiskit.publish.engine import warm_up
    from crisiskit.publish.switch import guard_project

    guard_project(project)  # before generate writes content/: nothing is written through a link out of the project
    if audiences == ("public",):
        warm_up()  # the engine's workers load MkDocs meanwhile
        done = _build_public_with_cache(project, at, force)
        if done is not None:
            return done
    return _build_whole(project, at, audiences, force)


def _build_whole(project: Path, at: datetime, audiences: tuple[str, ...], force: bool) -> list[BuiltSite]:
    from crisiskit.checks.engine import run_checks
    from crisiskit.checks.gate import held_back, without
    from crisiskit.publish.engine import warm_up
    from crisiskit.publish.public import incident_public, public_input
    from crisiskit.publish.site import publish

    composed, site = read_project(project)  # once: generate and every site build read the same composition
    warm_up()  # the engine's workers load MkDocs while content/ is written and the rules run (not for bad kits)
    generate(project, force=force, composed=composed)
    languages = _languages(project, {lang for c in composed for lang in c.incident.languages})
    changed = publication_problems(composed, at)
    if changed and "public" in audiences:
        raise KitError(changed)
    held = held_back(composed, run_checks(composed, at), at) if "public" in audiences else []
    shown = without(composed, held)
    public = None
    if "public" in audiences:
        public = public_input(
            [incident_public(item, site, at, [h for h in held if h.incident == item.incident.id]) for item in shown],
            site,
            languages,
        )
    return _published(publish(project, shown, site, audiences, languages, at, public), held)


def _languages(project: Path, of_kits: set[str]) -> list[str]:
    """The kits' languages and every language content/ has hand-written pages for."""
    content = project / "content"
    written = {p.name for p in content.iterdir() if p.is_dir() and p.name[:1].isalpha() and p.name != "incidents"}
    return sorted(of_kits | (written if content.is_dir() else set()))


def _published(built: list[BuiltSite], held: list) -> list[BuiltSite]:
    for one in built:
        log.info("site/%s/%s/: built, verified and live", one.audience, one.language)
    if held:
        raise BuildError(
            f"the sites are live, but {len(held)} revision(s) with errors were held back from the "
            "public site (the previous revision stays live): fix them, then build again\n"
            + "\n".join(line for one in held for line in one.lines())
        )
    return built


def _build_public_with_cache(project: Path, at: datetime, force: bool) -> list[BuiltSite] | None:
    """A public build that composes and judges only kits whose inputs changed (publish/public.py); None when
    caches are off or the kits need the whole path (a kit that does not load, two kits with one id)."""
    from crisiskit.cache import MarkerCache
    from crisiskit.model.load import discover
    from crisiskit.publish.public import IncidentPublic, PublicCache, public_input
    from crisiskit.publish.site import publish

    files = discover([project / "kits"])
    site = read_site_options(project)
    cache = PublicCache.open(project, site.url, [path for path, kind, _ in files if kind == "scenario"])
    kits = _kit_files(files) if cache is not None else None
    if cache is None or kits is None:
        return None
    try:
        incidents: list[IncidentPublic]
        incidents, ids, missed = _remembered(cache, kits, at)
        pending = [(path, shown, data) for shown, (path, data) in missed.items()]
        batches = [pending[start : start + COMPOSE_BATCH] for start in range(0, len(pending), COMPOSE_BATCH)]
        changed: list = []
        fresh: dict[str, Rendered] = {}
        for done in _each_batch(batches, cache, site, at, project):
            if done is None:
                return None  # a kit that does not load: the whole path reads every kit and reports every problem
            for shown, incident_id, problems, rendered in done:
                if problems:  # never remembered: every build refuses it until it is fixed
                    changed += problems
                    continue
                one = cache.lookup(missed[shown][1], shown, at)
                if one is None:
                    return None  # not stored (a full disk?): the whole path says what is wrong
                ids[shown] = incident_id
                incidents.append(one)
                fresh[shown] = rendered
        if changed:
            raise KitError(changed)
        if len(set(ids.values())) != len(ids) or len(ids) != len(kits):
            return None
        log.debug("build: %d of %d kit(s) composed afresh, the rest remembered (build/cache/)", len(missed), len(kits))

        def write_content() -> None:  # content/: the kits composed above are not composed again
            composed_now = len(fresh)
            generate(project, force=force, fresh=fresh)
            fresh.clear()
            # a few kits' pages are little memory: a collection would cost more
            if composed_now > COMPOSE_BATCH:
                _give_back_memory()  # the review pages and their writing: freed, handed back before the engine's peak

        # content/ is written while the engine builds (the main process is otherwise idle then), unless many kits were
        # composed (a large archive built from nothing): their review pages are then written first, so they leave
        # memory before the engine's workers need it.
        overlap = len(fresh) <= HELD_WHILE_BUILDING
        if not overlap:
            write_content()
        languages = _languages(project, {lang for one in incidents for lang in one.languages})
        public = public_input(incidents, site, languages)
        held = [h for one in incidents for h in one.held]
        markers = MarkerCache(project)  # content/'s files known to be generated, remembered (caches are allowed here)
        try:
            built = publish(
                project,
                [],
                site,
                ("public",),
                languages,
                at,
                public,
                meanwhile=write_content if overlap else None,
                marked=markers.has_marker,
            )
        finally:
            markers.save()
        return _published(built, held)
    finally:
        cache.close()  # its connection, now: not whenever the collector frees it


def _give_back_memory() -> None:
    """Hand memory Python has freed back to the operating system (glibc's ``malloc_trim``; elsewhere, nothing).

    Composing and writing the review tree of a large archive frees hundreds of megabytes that glibc's
    allocator keeps in the process, scattered among live objects, so it never trims them on its own; the
    engine's workers and the merge of every part's results then come on top of it (at 1,000 incidents the
    main process held about 800 MB through the engine's work for nothing; trimmed, about 150 MB).
    """
    import ctypes
    import gc

    gc.collect()
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the C library this interpreter runs on
    except (OSError, AttributeError):  # not glibc (musl, macOS): its allocator returns memory its own way
        return
    trim(0)


def _each_batch(batches: list[list], cache: Any, site: SiteOptions, at: datetime, project: Path) -> Iterator[Any]:
    """Each batch's results (``_kit_batch``), in order: in two forked worker processes when there are several
    batches (a build from nothing uses both cores), else in this one."""
    if len(batches) < 2:
        yield from (_kit_batch(batch, cache, site, at, project) for batch in batches)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        yield from pool.map(_kit_batch, batches, *zip(*[(cache, site, at, project)] * len(batches), strict=True))


def _kit_batch(batch: list, cache: Any, site: SiteOptions, at: datetime, project: Path) -> list | None:
    """Compose and judge one batch of changed kits: store what the public site shows of each (publish/public.py)
    and return, per kit, (shown, incident id, publication problems, its review pages and index lines); None if
    a kit does not load."""
    from crisiskit.cache import Probe
    from crisiskit.checks.engine import run_checks
    from crisiskit.checks.gate import held_back, without
    from crisiskit.publish.public import incident_public
    from crisiskit.render.pages import index_rows, render_pages

    data_of = {shown: data for _path, shown, data in batch}
    try:
        composed = compose(read_incidents([path for path, _shown, _data in batch]), site, project)
    except KitError:
        return None
    out: list[tuple[str, str, list, Rendered | None]] = []
    for item in composed:
        shown = item.incident.source
        if shown not in data_of:
            return None
        problems = publication_problems([item], at)
        if problems:
            out.append((shown, item.incident.id, problems, None))
            continue
        record = cache.record_key(item.incident.id)
        probe = Probe.of(at)
        held = held_back([item], run_checks([item], probe), probe)
        cache.store(data_of[shown], shown, record, probe, incident_public(without([item], held)[0], site, probe, held))
        revisions = list(item.incident.revisions)
        rows = {lang: list(index_rows(item, revisions, lang)) for lang in item.incident.languages}
        out.append(
            (
                shown,
                item.incident.id,
                [],
                (data_of[shown], item.incident.id, render_pages([item], "review", index=False), rows),
            )
        )
    cache.flush()  # before the batch's results are handed back: the caller looks its entries up
    return out


def project_of(paths: list[Path]) -> Path | None:
    """The site repository the kits in ``paths`` belong to: the nearest folder above them with mkdocs.yml and kits/.

    Approvals hash the rendered text, which includes the site's address, so
    they can be checked only against the project the kits were approved in.
    """
    for path in paths:
        for folder in [path.resolve(), *path.resolve().parents]:
            if (folder / "mkdocs.yml").is_file() and (folder / "kits").is_dir():
                return folder
    return None


def check(paths: list[Path], at: datetime, base: str | None = None, *, cache: bool = True) -> tuple[int, list[Finding]]:
    """load -> validate -> resolve -> render -> check: (incidents checked, every finding of every rule).

    With ``base`` (a git revision) the kits as they were there are read too,
    to find translations left stale by a change to the source text. Kits inside
    a project whose inputs did not change are not judged again (cache.py), unless ``cache`` is false.
    """
    from crisiskit.checks.engine import run_checks
    from crisiskit.compose.composed import SiteOptions

    project = project_of(paths)
    if cache and base is None and project is not None:
        cached = _check_with_cache(paths, at, project)
        if cached is not None:
            return cached
    incidents = read_incidents(paths)
    site = read_site_options(project) if project is not None else SiteOptions("https://status.example.invalid/")
    composed = compose(incidents, site, project)
    before = incidents_at(project, base) if base is not None else {}
    return len(incidents), run_checks(composed, at, approvals=project is not None, before=before, base=base or "")


def _check_with_cache(paths: list[Path], at: datetime, project: Path) -> tuple[int, list[Finding]] | None:
    """`check` reading and judging only kits whose inputs changed (cache.py); None when caches are off.

    Each kit file's bytes (and its kit.json's) are read once, before anything is loaded, and those are
    what an entry is stored under: a file edited meanwhile is a miss next time, never a wrong hit.
    Problems between kits (two files with one id) are found by the full path, which reads them all.
    """
    from crisiskit.cache import CheckCache
    from crisiskit.checks.findings import Finding
    from crisiskit.model.load import discover

    files = discover(paths)
    site = read_site_options(project)
    cache = CheckCache.open(project, site.url, [path for path, kind, _ in files if kind == "scenario"])
    if cache is None:
        return None
    try:
        kits = _kit_files(files)
        if kits is None:
            return None
        entries, ids, missed = _remembered(cache, kits, at)
        findings: list[Finding] = [finding for entry in entries for finding in entry.findings]
        if missed:
            for judged in _each_judged(_check_batches(list(missed.items())), cache, site, at, project):
                if judged is None:
                    read_incidents([path for path, _ in missed.values()])  # a kit that does not load: say so, as ever
                    return None
                if judged == "renamed":
                    return None  # a kit read under another name than expected: judge everything afresh
                for shown, incident_id, found in judged:
                    ids[shown] = incident_id
                    findings += found
        if len(set(ids.values())) != len(ids) or len(ids) != len(kits):
            return None  # two kits with one id, or a kit that produced no incident: the full path reports it
        log.debug("check: %d of %d kit(s) judged afresh, the rest remembered (build/cache/)", len(missed), len(kits))
        return len(kits), sorted(set(findings), key=Finding.sort_key)
    finally:
        cache.close()  # its connection, now: not whenever the collector frees it


CHECK_WARM_UP = 8
"""Kits judged in this process before the workers fork (they inherit what judging them loaded and compiled)."""


def _check_batches(pending: list) -> list[list]:
    """``pending`` in batches for ``_each_judged``: a few to warm up, then batches of at most COMPOSE_BATCH kits
    that shrink towards the end (an eighth of what is left, at least 4), so both workers finish together."""
    most = COMPOSE_BATCH
    start = min(CHECK_WARM_UP, most)
    batches = [pending[:start]]
    while start < len(pending):
        size = max(min(4, most), min(most, (len(pending) - start) // 8))
        batches.append(pending[start : start + size])
        start += size
    return batches


def _each_judged(batches: list[list], cache: Any, site: SiteOptions, at: datetime, project: Path) -> Iterator[Any]:
    """Each batch of kits judged (``_judge_kits``), in order: the first in this process, the rest in two forked
    worker processes when there are several (a check from nothing uses both cores, as a build does)."""
    if not batches:
        return
    # the first batch here: the workers then inherit every module, table and pattern it loaded and compiled
    yield _judge_kits(batches[0], cache, site, at, project)
    if len(batches) < 3:
        yield from (_judge_kits(batch, cache, site, at, project) for batch in batches[1:])
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    rest = batches[1:]
    forked = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(2, mp_context=forked, initializer=_no_cycle_collector) as pool:
        yield from pool.map(_judge_kits, rest, *zip(*[(cache, site, at, project)] * len(rest), strict=True))


def _no_cycle_collector() -> None:
    """A check worker runs without Python's cycle collector: judging kits makes no reference cycles (reference
    counting frees everything a kit's judging made; tests/test_check_shortcuts.py proves it), and the collector's
    passes over the many objects a batch keeps (parsed kits, remembered measurements) were a tenth of a worker's
    time. The worker ends with the command."""
    import gc

    gc.disable()


def _judge_kits(batch: list, cache: Any, site: SiteOptions, at: datetime, project: Path) -> list | str | None:
    """Read, compose and judge one batch of kits the check cache does not remember, storing each one's findings:
    per kit (shown, incident id, findings); None if a kit does not load, "renamed" if one reads under another name.

    Each kit.json is read once: its bytes are both what the entry is stored under and the record composed from
    (``record_entries``), whose entries equal to today's texts are verified without hashing them again.
    """
    from crisiskit.cache import Probe, read_regular, record_file
    from crisiskit.checks.engine import run_checks
    from crisiskit.compose.composed import compose_incident
    from crisiskit.model.config import load_config

    missed = dict(batch)
    try:
        incidents = read_incidents([path for path, _ in missed.values()])
    except KitError:
        return None
    config = load_config(project)
    out = []
    for incident in incidents:
        shown = incident.source
        if shown not in missed:
            return "renamed"
        _path, data = missed[shown]
        raw = read_regular(record_file(project, incident.id))  # never a link or a device
        item = compose_incident(incident, site, config, record_entries(project, incident.id, raw))
        probe = Probe.of(at)
        found = run_checks([item], probe, approvals=True)
        cache.store(data, shown, incident.id, cache.record_key_of(raw), probe, found)
        out.append((shown, incident.id, found))
    cache.flush()
    return out


def incidents_at(project: Path | None, base: str) -> dict[str, Incident]:
    """The incidents as committed at git revision ``base`` (none if they did not load there)."""
    import tempfile

    from crisiskit.review.digest import tree_at

    if project is None:
        raise UserError("--base needs kits inside a site repository (a git checkout with mkdocs.yml and kits/)")
    with tempfile.TemporaryDirectory() as scratch:
        tree = tree_at(project, base, Path(scratch))
        try:
            return {incident.id: incident for incident in read_incidents([tree / "kits"])}
        except UserError:
            return {}  # the base's kits did not load: nothing to compare translations with


def publication_problems(composed: list[ComposedIncident], at: datetime) -> list:
    """Published revisions whose approved text has changed (immutability of what the public saw)."""
    from crisiskit.compose.approval_state import publication_problems as problems_of

    return [p for c in composed for p in problems_of(c, at)]


def review_findings(project: Path, base: str, at: datetime) -> list[str]:
    """Every finding `crisiskit check --base BASE --at AT` reports, as lines for the review digest."""
    _, findings = check([project / "kits"], at, base)
    return [f.text() for f in findings]
