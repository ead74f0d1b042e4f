"""What every engine worker needs before its build: imported once in the fork server, then inherited.

Each site is built in a worker process of its own, forked from a server
that imported this module (engine.py). Without it every worker would pay
the interpreter start, the imports of MkDocs, Material, its search plugin
and the Markdown extensions, and the loading of jieba's Chinese dictionary
(about 0.7 s for one zh-Hant site), and the compiling of Material's templates (most
of a small site's build; mkdocs_hooks.py hands them to each site's Jinja environment), before it
reads a single page. Nothing
here builds or configures a site: MkDocs and Material keep state between
builds, so each worker still starts from a server that never built one.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import logging
import os
import sys
from pathlib import Path

from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket

# The engine's own machinery and what a Material site loads by default; a project's further
# extensions and plugins load in the worker, as they would for `mkdocs build`.
MODULES = (
    "mkdocs.commands.build",
    "mkdocs.config",
    "mkdocs.config.defaults",
    "mkdocs.structure.pages",
    "mkdocs.contrib.search",
    "markdown",
    "markdown.extensions.attr_list",
    "markdown.extensions.md_in_html",
    "markdown.extensions.tables",
    "markdown.extensions.toc",
    "pymdownx.superfences",
    "pymdownx.emoji",
    "material",
    "material.plugins.search.plugin",
    "material.plugins.offline.plugin",
    "material.extensions.emoji",
)

for name in MODULES:
    with contextlib.suppress(ImportError):  # an engine without one of them simply loads less ahead
        importlib.import_module(name)

# What a worker says is collected by run_build and logged by the parent. The server's own stderr
# (the terminal) would otherwise get multiprocessing's noise from a worker that starts just as the
# parent is stopped with Ctrl+C (a traceback after "interrupted"); a worker that dies is reported
# by the parent (BrokenProcessPool), so nothing a user needs is lost.
# Only in the fork server itself (its main() is importing this module), never in a process that
# merely imports the module.


def _in_fork_server() -> bool:
    frame = sys._getframe()
    while frame is not None:
        code = frame.f_code
        if code.co_name == "main" and code.co_filename.endswith(os.path.join("multiprocessing", "forkserver.py")):
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


if _in_fork_server():
    with open(os.devnull, "w", encoding="utf-8") as _nowhere:
        os.dup2(_nowhere.fileno(), 2)


class CompiledTemplates(BytecodeCache):
    """Compiled Jinja templates kept in memory, keyed by template, file and the environment's settings.

    Jinja's own key is the template's name and file only, and it checks the source's checksum; the
    settings that change what a template compiles to (extensions, delimiters, whitespace handling,
    autoescape) are added here, so code compiled for one environment never serves another.
    """

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def get_bucket(self, environment: Environment, name: str, filename: str | None, source: str) -> Bucket:
        settings = (
            name,
            filename,
            sorted(environment.extensions),
            repr(environment.autoescape),
            environment.block_start_string,
            environment.block_end_string,
            environment.variable_start_string,
            environment.variable_end_string,
            environment.comment_start_string,
            environment.comment_end_string,
            environment.line_statement_prefix,
            environment.line_comment_prefix,
            environment.trim_blocks,
            environment.lstrip_blocks,
            environment.newline_sequence,
            environment.keep_trailing_newline,
            environment.optimized,
        )
        bucket = Bucket(
            environment, hashlib.sha256(repr(settings).encode()).hexdigest(), self.get_source_checksum(source)
        )
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = CompiledTemplates()


LANGUAGE_PARTIALS = "partials/languages/"
"""Material's one template per interface language (about 60 of its 116): a site loads its own and English, the
fallback, so only English is compiled ahead (the others were 60% of compiling the theme); a worker compiles
its site's language itself, as MkDocs would."""


def _compile_theme(name: str) -> None:
    """Compile the templates of the installed theme ``name`` that any site loads, as MkDocs' own environment for it
    would (of Material's interface languages, English only: LANGUAGE_PARTIALS)."""
    try:
        from mkdocs.theme import Theme

        env = Theme(name=name).get_env()
    except Exception:  # noqa: BLE001 - a theme that does not load here loads (or fails) in the worker
        return
    env.bytecode_cache = TEMPLATES

    def ahead(template: str) -> bool:
        if template.startswith(LANGUAGE_PARTIALS):
            return template == f"{LANGUAGE_PARTIALS}en.html"
        return template.endswith((".html", ".xml"))

    for template in env.list_templates(filter_func=ahead):
        with contextlib.suppress(Exception):  # some need a plugin's filters (the blog's "date"): compiled in use
            env.get_template(template)


def _know_theme_files(name: str) -> None:
    """The leak scan's text of the installed theme ``name``'s static files, read once here for every site
    (publish/leaks.py: KNOWN_TEXTS)."""
    from crisiskit.publish.leaks import know_files

    try:
        from mkdocs.theme import Theme

        folders = [Path(folder) for folder in Theme(name=name).dirs]
    except Exception:  # noqa: BLE001 - a theme that does not load here loads (or fails) in the worker
        return
    know_files(folders)


# crisiskit's own part of every job: the worker calls engine.run_build, then archive.read_part on what it
# built (publish/site.py). Imported here, their imports (the kit model, pydantic, the leak scan) are not
# repeated in every worker, a quarter of a second each.
OWN = ("crisiskit.publish.engine", "crisiskit.publish.archive")

if _in_fork_server():
    for name in OWN:
        importlib.import_module(name)
    _compile_theme("material")
    _know_theme_files("material")

try:
    import jieba
except ImportError:  # Material segments Chinese for search only when jieba is installed
    jieba = None
if jieba is not None:
    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not the engine's output
    jieba.initialize()  # a project's own jieba_dict (search plugin option) replaces it in the worker
