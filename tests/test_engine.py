"""MkDocs is used as a library and configured the way MkDocs configures itself.

Each site's config file inherits the root mkdocs.yml (``INHERIT:``), so a setting Material
documents, ``!!python/name:`` tags included, reaches the engine as written: the fixture project
gets Material's emoji and icon setup and its pages show the icon as inline SVG and the emoji as
Twemoji's SVG. Strict mode is MkDocs' own
(a warning fails the build, named in the message, and the live site stays), each site is built in
a worker process of its own, and a worker killed mid-build publishes nothing.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from redteam import AFTER_EMBARGO, BEFORE_EMBARGO, build, built, make_project
from ruamel.yaml import YAML
from ruamel.yaml.constructor import ConstructorError as RuamelConstructorError

from sites import changed_in_place

EMOJI = """  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
"""
PAGE = "# Help\n\n:material-alert: Call us first. :smile: We are here.\n"


def with_emoji(project: Path) -> Path:
    """Material's documented emoji and icon setup, added to the project's markdown_extensions."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - pymdownx.superfences\n" in text
    config.write_text(
        text.replace("  - pymdownx.superfences\n", "  - pymdownx.superfences\n" + EMOJI), encoding="utf-8"
    )
    return project


def snapshot(tree: Path) -> dict[str, str]:
    return {
        p.relative_to(tree).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(tree.rglob("*"))
        if p.is_file()
    }


class _Icons(HTMLParser):
    """Every icon of a page in document order: ``span.<class> > svg`` inline, ``img.<class> <alt>`` an image."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.icons: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "svg" and self.open:
            self.icons.append(f"span.{self.open[-1]} > svg")
        if tag == "img" and "twemoji" in (found.get("class") or "") and (found.get("src") or "").endswith(".svg"):
            self.icons.append(f"img.{found['class']} {found.get('alt')}")
        if tag == "span":
            self.open.append(dict(attrs).get("class") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self.open:
            self.open.pop()


def inline_icons(page: Path) -> list[str]:
    parser = _Icons()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.icons


@pytest.fixture(scope="module")
def emoji_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project with Material's emoji setup and a hand-written page using an icon and an emoji."""
    project = with_emoji(make_project(tmp_path_factory.mktemp("engine") / "project"))
    (project / "content" / "en" / "help.md").write_text(PAGE, encoding="utf-8")
    built(project, BEFORE_EMBARGO, "all", process=False)
    return project


@pytest.mark.parametrize("audience, name", [("public", "help/index.html"), ("internal", "help.html")])
def test_material_icons_and_emoji_render_as_svg(emoji_project: Path, audience: str, name: str) -> None:
    page = emoji_project / "site" / audience / "en" / name  # the internal site is built offline: no folder URLs
    # Material inlines its own icons; an emoji is Twemoji's SVG image (from its CDN), as Material documents.
    assert inline_icons(page) == ["span.twemoji > svg", "img.twemoji 😄"], page.read_text(encoding="utf-8")
    text = page.read_text(encoding="utf-8")
    assert ":material-alert:" not in text and "Call us first. :smile:" not in text  # none left as plain text


def test_the_site_config_keeps_python_name_tags(emoji_project: Path) -> None:
    from material.extensions.emoji import to_svg, twemoji

    from crisiskit.publish.engine import EngineJob, load_site_config

    config_file = emoji_project / "build" / "public" / "en" / "parts" / "front" / "mkdocs.yml"  # publish/archive.py
    written = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    assert written["INHERIT"] == "../../../../../mkdocs.yml" and "markdown_extensions" not in written
    config = load_site_config(EngineJob("public", "en", config_file, emoji_project))
    assert config.mdx_configs["pymdownx.emoji"]["emoji_index"] is twemoji
    assert config.mdx_configs["pymdownx.emoji"]["emoji_generator"] is to_svg
    assert "pymdownx.superfences" in config.markdown_extensions  # the root's list, inherited whole
    assert config.theme["language"] == "en" and config.theme.name == "material"
    assert config.strict is True and config.site_url == "https://status.acme.example/en/"
    hooks = Path(__import__("crisiskit.publish.mkdocs_hooks").publish.mkdocs_hooks.__file__)
    assert list(config.plugins) == ["material/search", str(hooks)]  # the site's plugins replace the root's


def test_compiled_templates_serve_only_environments_configured_alike() -> None:
    """The fork server's compiled templates (engine_preload) are keyed by the environment's settings too:
    code compiled without autoescaping never renders for an environment that escapes, and the reverse."""
    from jinja2 import DictLoader, Environment

    from crisiskit.publish.engine_preload import CompiledTemplates

    shared = CompiledTemplates()
    loader = DictLoader({"page.html": "<p>{{ text }}</p>"})
    plain = Environment(loader=loader, bytecode_cache=shared, autoescape=False)
    escaping = Environment(loader=loader, bytecode_cache=shared, autoescape=True)
    assert plain.get_template("page.html").render(text="<b>") == "<p><b></p>"
    assert escaping.get_template("page.html").render(text="<b>") == "<p>&lt;b&gt;</p>"
    assert len(shared.store) == 2
    again = Environment(loader=loader, bytecode_cache=shared, autoescape=True)
    assert again.get_template("page.html").render(text="<b>") == "<p>&lt;b&gt;</p>"
    assert len(shared.store) == 2  # the same settings: compiled once, used again


def test_reading_the_site_url_keeps_tags_and_changes_no_yaml_loader(emoji_project: Path) -> None:
    from crisiskit.pipeline import read_site_options

    assert read_site_options(emoji_project).url == "https://status.acme.example/"
    with pytest.raises(RuamelConstructorError):
        YAML(typ="safe").load("index: !!python/name:os.getcwd\n")
    with pytest.raises(yaml.constructor.ConstructorError):
        yaml.safe_load("index: !!python/name:os.getcwd\n")


def test_a_broken_python_name_tag_is_an_error_at_its_line(tmp_path: Path) -> None:
    from crisiskit.errors import UserError
    from crisiskit.pipeline import read_site_options

    project = with_emoji(make_project(tmp_path / "project", approve=False))
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("emoji.to_svg", "emoji.no_such_thing"), encoding="utf-8"
    )
    line = next(n for n, row in enumerate(config.read_text(encoding="utf-8").splitlines(), 1) if "no_such" in row)
    with pytest.raises(UserError) as raised:
        read_site_options(project)
    assert str(raised.value).startswith(f"mkdocs.yml:{line}:"), raised.value
    assert "no_such_thing" in str(raised.value)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project with its public site built and live; each test changes it in place, then it is put back."""
    project = make_project(tmp_path_factory.mktemp("live") / "project")
    built(project, process=False)
    return project


def test_a_warning_fails_the_strict_build_and_the_previous_site_stays(live: Path) -> None:
    with changed_in_place(live) as project:
        before = snapshot(project / "site" / "public")
        (project / "content" / "en" / "broken.md").write_text("# Broken\n\n[gone](missing.md)\n", encoding="utf-8")
        result = build(project, AFTER_EMBARGO, process=False)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        assert "mkdocs build of the public en site failed" in result.stderr, result.stderr
        assert "WARNING: Doc file 'broken.md' contains a link 'missing.md'" in result.stderr, result.stderr
        assert "Aborted with 1 warnings in strict mode!" in result.stderr, result.stderr
        assert snapshot(project / "site" / "public") == before
        assert not [p for p in (project / "site").iterdir() if p.name.startswith(".staging-")]


def test_each_site_is_built_in_a_worker_process_of_its_own(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from crisiskit.pipeline import build as build_sites

    project = make_project(tmp_path / "project")
    with caplog.at_level(logging.DEBUG, logger="crisiskit.publish.engine"):
        sites = build_sites(project, at=datetime.fromisoformat(BEFORE_EMBARGO), audiences=("public", "internal"))
    workers = {(s.audience, s.language): s.worker for s in sites}
    assert sorted(workers) == [("internal", "en"), ("internal", "zh-Hant"), ("public", "en"), ("public", "zh-Hant")]
    assert len(set(workers.values())) == 4 and os.getpid() not in workers.values()
    said = [r.getMessage() for r in caplog.records if r.name == "crisiskit.publish.engine"]
    for (audience, language), pid in workers.items():
        assert f"built the {audience} {language} site in worker process {pid} " in " ".join(said) + " ", said
        assert any(m.startswith(f"{audience} {language} site: Documentation built in") for m in said), said


def test_every_worker_inherits_crisiskits_engine_modules_and_the_themes_scanned_files(live: Path) -> None:
    """The fork server imports what each job runs (engine.run_build, archive.read_part) and reads the theme's static
    files for the leak scan once (engine_preload.py); a worker inherits both. Every theme file the built site holds
    as the theme has it is known, with exactly the text the scan would read from the file itself."""
    import material

    from crisiskit.publish.engine import engine_pool
    from crisiskit.publish.leaks import content_key, scannable_text
    from engine_probe import inherited

    with engine_pool() as pool:
        loaded, known = pool.submit(inherited).result(timeout=300)
    assert {"crisiskit.publish.engine", "crisiskit.publish.archive", "crisiskit.publish.leaks"} <= set(loaded)
    theme = Path(material.__file__).parent / "templates"
    site = live / "site" / "public" / "en"
    copied = [  # the theme's files MkDocs copied as they are (its templates are rendered: other bytes)
        p
        for p in sorted(site.rglob("*"))
        if p.is_file()
        and (theme / p.relative_to(site)).is_file()
        and (theme / p.relative_to(site)).read_bytes() == p.read_bytes()
    ]
    names = {p.relative_to(site).as_posix() for p in copied}
    assert {"assets/javascripts/lunr/wordcut.js", "assets/javascripts/lunr/min/lunr.zh.min.js"} <= names, names
    assert any(n.startswith("assets/javascripts/bundle.") and n.endswith(".min.js") for n in names), names
    for path in copied:
        raw = path.read_bytes()
        assert known.get(content_key(path.name, raw)) == scannable_text(raw, path.name), path


KILLER = """import os
import signal

from markdown import Extension


class Killer(Extension):
    def extendMarkdown(self, md):
        os.kill(os.getpid(), signal.SIGKILL)


def makeExtension(**kwargs):
    return Killer(**kwargs)
"""


def test_a_killed_worker_publishes_nothing_and_leaves_nothing_running(tmp_path: Path, live: Path) -> None:
    with changed_in_place(live) as project:
        before = snapshot(project / "site" / "public")
        (tmp_path / "extensions").mkdir()
        (tmp_path / "extensions" / "killer.py").write_text(KILLER, encoding="utf-8")
        config = project / "mkdocs.yml"
        config.write_text(
            config.read_text(encoding="utf-8").replace(
                "  - pymdownx.superfences\n", "  - pymdownx.superfences\n  - killer\n"
            ),
            encoding="utf-8",
        )
        result = subprocess.run(
            [sys.executable, "-m", "crisiskit", "build", "--at", AFTER_EMBARGO],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, "PYTHONPATH": str(tmp_path / "extensions")},
        )
        assert result.returncode == 1, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        assert "the MkDocs worker building the public en site stopped unexpectedly" in result.stderr, result.stderr
        assert snapshot(project / "site" / "public") == before
        assert not [p for p in (project / "site").iterdir() if p.name.startswith(".staging-")]
        assert running_in(project) == []


def running_in(folder: Path) -> list[int]:
    """Processes whose working folder is ``folder`` (the engine's workers run in the project)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if Path(os.readlink(entry / "cwd")) == folder.resolve():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found
