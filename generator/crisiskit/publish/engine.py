"""The engine: MkDocs used as a library, configured the way MkDocs configures itself.

Each (audience, language) tree gets a small config file of its own that names the root
``mkdocs.yml`` with MkDocs' ``INHERIT:`` and holds only what differs per site (docs_dir,
site_dir, site_url, theme language and overrides copy, extra, plugins, nav). MkDocs itself
merges the two (dictionaries deeply; lists such as ``plugins`` and ``nav`` are replaced, while
``markdown_extensions`` comes whole from the root) and reads both with its own YAML loader, so
every setting Material documents works, ``!!python/name:`` tags included: nothing is parsed and
dumped again on the way. Relative paths in the root resolve against the root, as they would for
``mkdocs build`` run there (``config_file_path``), and the build runs in the project folder.

Builds run in a pool of worker processes, one build per fresh worker
(``max_tasks_per_child=1``): MkDocs and Material keep module state between builds, and two
workers use both cores. Workers are forked from multiprocessing's fork server, which imported
the engine once (engine_preload.py: MkDocs, Material, the Markdown extensions, jieba's
dictionary, Material's templates compiled, which mkdocs_hooks.py hands to each site's Jinja
environment), so a worker starts in milliseconds from a state that never built a site; the
server is single-threaded, so the fork is safe, and it lives as long as this process. Strict
mode is MkDocs' own (``strict: true`` in the site's file: its ``CountHandler`` turns any warning
into ``Abort``). What MkDocs logs is collected in the worker
and handed back, then logged through ``crisiskit.publish.engine`` (its progress at debug level,
so ``-v`` shows it and a plain run stays quiet); a failure becomes a
BuildError that lists the warnings and errors, and a full disk one line naming the path.
Everything the engine gets is Markdown, front matter and configuration, so it stays swappable.
"""

from __future__ import annotations

import contextlib
import io
import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crisiskit.errors import BuildError, UserError
from crisiskit.publish.switch import shown

log = logging.getLogger(__name__)
WORKERS = 2


@dataclass(frozen=True)
class EngineJob:
    """One site to build: its own config file (which inherits the root mkdocs.yml) and where it runs."""

    audience: str
    language: str
    config_file: Path
    project: Path
    level: int = logging.WARNING  # the least severe MkDocs message to hand back (INFO when crisiskit logs debug)
    part: str = ""  # which part of an archive built in parts (archive.py), for messages
    epoch: int | None = None  # SOURCE_DATE_EPOCH: the date MkDocs gives pages (sitemap lastmod), from the kits
    after: Callable[[], Any] | None = None
    """crisiskit's own reading of what the build wrote (archive.read_part), run in the worker once the build
    succeeded, so parts are read in parallel with the builds still running; its result is the build's."""


@dataclass(frozen=True)
class EngineResult:
    """What one build did: the worker's pid, MkDocs' log records, and why it failed (if it did)."""

    worker: int
    records: list[tuple[int, str]] = field(default_factory=list)
    failure: str = ""
    os_error: tuple[str, str] | None = None  # (reason, path) when the operating system refused a write
    output: str = ""  # anything a plugin printed instead of logging
    after: Any = None  # what the job's ``after`` returned


def read_root_config(project: Path) -> dict[str, Any]:
    """The root mkdocs.yml as MkDocs reads it: its own YAML loader (``!ENV``, ``!!python/name:``, ``INHERIT``)."""
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import yaml_load

    path = project / "mkdocs.yml"
    try:
        with path.open("rb") as handle:
            data = yaml_load(handle)
    except ConfigurationError as error:
        cause = error.__context__
        mark = getattr(cause, "problem_mark", None)
        where = f"{mark.line + 1}:{mark.column + 1}" if mark else "1:1"
        said = getattr(cause, "problem", None) or str(cause or error)
        raise UserError(f"mkdocs.yml:{where} expected a config MkDocs can read; got {said}") from None
    if not isinstance(data, dict):
        raise UserError(f"mkdocs.yml:1:1 expected key: value pairs; got {type(data).__name__}")
    return data


def load_site_config(job: EngineJob) -> Any:
    """The validated MkDocs config of one site, loaded by ``mkdocs.config.load_config`` from its own file."""
    from mkdocs.config import load_config

    return load_config(str(job.config_file), config_file_path=str(job.project / "mkdocs.yml"))


def run_build(job: EngineJob) -> EngineResult:
    """Build one site in this (worker) process, as ``mkdocs build`` would, and report what happened.

    Never raises for a failed build: the result carries it, so the parent decides how to say it.
    """
    from mkdocs.commands import build
    from mkdocs.utils import DuplicateFilter

    collected = _Collect()
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.setLevel(min(job.level, logging.WARNING))  # strict mode must see every warning, whatever is shown
    mkdocs_log.propagate = False
    mkdocs_log.addHandler(collected)
    logging.getLogger().addHandler(collected)  # other libraries' warnings too, never raw on the terminal
    logging.captureWarnings(True)
    build.log.addFilter(DuplicateFilter())  # as the mkdocs command line does
    os.chdir(job.project)  # relative paths in extension options (snippets, custom icons) mean what they mean there
    if job.epoch is not None:  # MkDocs' own reproducible-build setting; this worker builds one site and exits
        os.environ["SOURCE_DATE_EPOCH"] = str(job.epoch)
    printed = io.StringIO()
    failure, os_error, after = "", None, None
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            config = load_site_config(job)
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build.build(config)
            finally:
                config.plugins.on_shutdown()
        if job.after is not None:
            after = job.after()
    except Exception as error:  # the engine's failure, whatever its kind, is reported by the parent
        refused = _os_error(error)
        if refused is not None:
            os_error = ((refused.strerror or str(refused)).lower(), refused.filename2 or refused.filename or "")
        else:
            failure = str(error) if _is_mkdocs(error) else f"{type(error).__name__}: {error}"
    return EngineResult(os.getpid(), collected.records, failure, os_error, printed.getvalue(), after)


class _Collect(logging.Handler):
    """Keeps each record's level and message, to be logged again in the parent."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelno, record.getMessage()))


def _os_error(error: BaseException) -> OSError | None:
    """The operating system's refusal behind an engine error (a plugin may wrap it), if there is one."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno is not None:
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _is_mkdocs(error: BaseException) -> bool:
    from mkdocs.exceptions import MkDocsException

    return isinstance(error, MkDocsException)


@contextlib.contextmanager
def engine_pool() -> Iterator[ProcessPoolExecutor]:
    """Two forked workers, one build each; on any failure, nothing queued starts and nothing is left running.

    One task per child also keeps clear of CPython's gh-115634 (a pool deadlock on 3.11 to 3.13 that
    needs a limit above one): with a limit of one, every finished task retires its worker and the
    pool always spawns the replacement.
    """
    pool = ProcessPoolExecutor(max_workers=WORKERS, mp_context=_context(), max_tasks_per_child=1)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _context() -> multiprocessing.context.BaseContext:
    """The fork server's context, its preload set before the server first starts (it starts once per process)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["crisiskit.publish.engine_preload"])
    return context


def warm_up() -> None:
    """Start the fork server now, so its imports run while crisiskit writes content/ and runs the rules."""
    from multiprocessing import forkserver

    _context()
    forkserver.ensure_running()


def submit(pool: ProcessPoolExecutor, job: EngineJob) -> Future[EngineResult]:
    """Start building one site; ``finish`` waits for it.

    A pool already broken by a worker that died (killed, out of memory) refuses new work at once;
    the refusal is kept in the future, so ``finish`` reports the site whose worker died first.
    """
    try:
        return pool.submit(run_build, job)
    except BrokenProcessPool as error:
        refused: Future[EngineResult] = Future()
        refused.set_exception(error)
        return refused


def finish(future: Future[EngineResult], job: EngineJob, shown_site: str) -> EngineResult:
    """Wait for one build, log what MkDocs said through crisiskit's logging, and raise BuildError if it failed.

    ``shown_site`` is where the site was being built, as the user knows the path. Returns what the
    build did (the worker's pid, and what the job's ``after`` returned). Warnings and errors of a
    failed build go into the error (and are logged at debug level only), so they are shown once.
    """
    started = time.monotonic()
    try:
        result = future.result()
    except BrokenProcessPool:
        raise BuildError(
            f"the MkDocs worker building the {job.audience} {job.language} site stopped "
            "unexpectedly (killed, or out of memory); nothing was published, the live site is unchanged"
        ) from None
    failed = bool(result.failure or result.os_error)
    for level, message in result.records:  # MkDocs' progress is detail (-v); a failure's warnings are in its error
        log.log(
            logging.DEBUG if failed or level < logging.WARNING else level,
            "%s %s site: %s",
            job.audience,
            job.language,
            message,
        )
    if result.output.strip():
        log.debug("%s %s site printed: %s", job.audience, job.language, result.output.strip())
    if result.os_error is not None:
        reason, path = result.os_error
        where = shown(job.project, Path(path)) if path else shown_site
        raise BuildError(
            f"{where}: {reason} while MkDocs built the {job.audience} {job.language} site; "
            "nothing was published, the live site is unchanged"
        )
    if result.failure:
        said = [
            f"{logging.getLevelName(level)}: {message}" for level, message in result.records if level >= logging.WARNING
        ]
        part = f" (its part {job.part})" if job.part else ""
        raise BuildError(
            f"mkdocs build of the {job.audience} {job.language} site failed{part}:\n"
            + "\n".join([*said, result.failure])
        )
    log.debug(
        "built the %s %s site in worker process %d (waited %.2fs)",
        job.audience,
        job.language,
        result.worker,
        time.monotonic() - started,
    )
    return result
