"""`crisiskit init`: crisiskit.yml with the organisation profile in placeholders `check` refuses until filled."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import TESTDATA, Golden
from crisiskit.cli.init import profile_text
from crisiskit.errors import KitError
from crisiskit.model.config import load_config, profile_fields
from crisiskit.pipeline import read_incidents
from sites import invoke

GOLDEN = TESTDATA / "init" / "crisiskit.yml"
KIT = TESTDATA / "profile" / "kits" / "inherits.yml"  # a kit that writes no profile block
# What a person writes in place of each placeholder (found by the words of its description).
FILLED = {
    "name as the public knows it": "Acme Pay",
    "main web address": "https://acme.example/",
    "'About' paragraph closing every press release, in en": "Acme Pay runs payments for shops in Taiwan.",
    "'About' paragraph closing every press release, in zh-Hant": "艾克支付為臺灣商店提供付款服務。",
    "datelines, in en": "TAIPEI",
    "datelines, in zh-Hant": "臺北",
    "e.g. en-US": "en-US",
    "e.g. zh-Hant-TW": "zh-Hant-TW",
    "full name": "Lee Chen",
    "signature, in en": "Head of Communications",
    "signature, in zh-Hant": "公關主管",
    "dedicated phone line": "+886 2 2700 1234",
    "support address": "help@acme.example",
    "who reporters should call": "Press Office",
    "press e-mail address": "press@acme.example",
    "press phone number": "+886 2 2700 1299",
}


def _fill(text: str) -> str:
    def value(match: re.Match[str]) -> str:
        [found] = [v for words, v in FILLED.items() if words in match.group(0)]
        return found

    return re.sub(r'"\[\[fill in: [^"]*\]\]"', value, text)


def test_the_profile_crisiskit_init_writes(golden: Golden) -> None:
    golden.check(GOLDEN, profile_text(["en", "zh-Hant"]))


def test_init_writes_crisiskit_yml_and_kits(tmp_path: Path) -> None:
    result = invoke(tmp_path, "init", "site")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("created site/crisiskit.yml and kits/: replace every [[fill in ...]] placeholder")
    assert (tmp_path / "site" / "crisiskit.yml").read_text(encoding="utf-8") == GOLDEN.read_text(encoding="utf-8")
    assert (tmp_path / "site" / "kits").is_dir()
    assert invoke(tmp_path / "site", "init").returncode == 1  # here, with no PATH: the same file


def test_every_placeholder_is_refused_at_its_line_until_filled(tmp_path: Path) -> None:
    assert invoke(tmp_path, "init").returncode == 0
    text = (tmp_path / "crisiskit.yml").read_text(encoding="utf-8")
    placeholders = {n for n, line in enumerate(text.splitlines(), 1) if "[[fill in" in line and "#" not in line}
    assert len(placeholders) == 19
    with pytest.raises(KitError) as raised:
        load_config(tmp_path)
    problems = raised.value.problems
    assert {Path(p.file) for p in problems} == {tmp_path / "crisiskit.yml"} and {
        p.line for p in problems
    } == placeholders
    assert all("(a placeholder left by crisiskit" in p.message for p in problems)
    shutil.copy(KIT, tmp_path / "kits" / "inherits.yml")
    checked = invoke(tmp_path, "check", "kits")
    assert checked.returncode == 1 and "Traceback" not in checked.stderr
    assert {int(m) for m in re.findall(r"^crisiskit\.yml:(\d+):\d+ ", checked.stderr, re.MULTILINE)} == placeholders


def test_the_filled_profile_is_valid_and_every_kit_inherits_it(tmp_path: Path) -> None:
    assert invoke(tmp_path, "init").returncode == 0
    config = tmp_path / "crisiskit.yml"
    config.write_text(_fill(config.read_text(encoding="utf-8")), encoding="utf-8")
    assert "[[fill in" not in config.read_text(encoding="utf-8").replace("# Replace every [[fill in", "").replace(
        "# 請替換每一個 [[fill in", ""
    )
    assert profile_fields(tmp_path) == {"organization", "spokesperson", "signatory", "contacts", "languages"}
    shutil.copy(KIT, tmp_path / "kits" / "inherits.yml")
    [incident] = read_incidents([tmp_path / "kits"])
    assert incident.organization.name.get("zh-Hant") == "Acme Pay"
    assert incident.organization.locale == {"en": "en-US", "zh-Hant": "zh-Hant-TW"}
    assert incident.contacts.press.phone == "+886 2 2700 1299" and incident.contacts.privacy is None
    assert incident.signatory.title.get("zh-Hant") == "公關主管"
    # the commented default approvers, once uncommented, are valid settings too
    uncommented = re.sub(r"^# (approvals:|  by_)", r"\1", config.read_text(encoding="utf-8"), flags=re.MULTILINE)
    config.write_text(uncommented, encoding="utf-8")
    assert load_config(tmp_path).approvals_by_severity["severe"] == ["communications", "legal"]


def test_init_never_overwrites_an_existing_crisiskit_yml(tmp_path: Path) -> None:
    (tmp_path / "crisiskit.yml").write_text("rules: {CK201: off}\n", encoding="utf-8")
    result = invoke(tmp_path, "init")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr == (
        "crisiskit.yml: expected a folder without a crisiskit.yml; got one that already exists (edit it, or move it "
        "away to start again)\n"
    )
    assert (tmp_path / "crisiskit.yml").read_text(encoding="utf-8") == "rules: {CK201: off}\n"
    assert not (tmp_path / "kits").exists()


def test_init_keeps_an_existing_kits_folder_and_refuses_a_file_in_its_place(tmp_path: Path) -> None:
    (tmp_path / "kits").mkdir()
    (tmp_path / "kits" / "outage.yml").write_text("id: outage\n", encoding="utf-8")
    assert invoke(tmp_path, "init").returncode == 0
    assert (tmp_path / "kits" / "outage.yml").read_text(encoding="utf-8") == "id: outage\n"
    other = tmp_path / "other"
    other.mkdir()
    (other / "kits").write_text("", encoding="utf-8")
    result = invoke(other, "init")
    assert result.returncode == 1 and result.stderr.startswith("kits: expected a folder for the incident kits")
    assert not (other / "crisiskit.yml").exists()


def test_every_field_is_explained_in_english_and_traditional_chinese() -> None:
    lines = profile_text(["en", "zh-Hant"]).splitlines()
    for index, line in enumerate(lines):
        # each field (not a language of a text) is explained by the two lines above it, in en, then zh-Hant
        if re.match(r"^ *[a-z_]+:", line) and not re.match(r"^ +(en|zh-Hant):", line):
            english, chinese = lines[index - 2].strip(), lines[index - 1].strip()
            assert english.startswith("# ") and re.search(r"[A-Za-z]{3}", english), line
            assert chinese.startswith("# ") and re.search(r"[\u4e00-\u9fff]", chinese), line
    assert sum("例：" in line for line in lines) == sum("Example: " in line for line in lines) == 16


def test_the_languages_given_shape_every_text_placeholder(tmp_path: Path) -> None:
    assert invoke(tmp_path, "init", "--language", "en").returncode == 0
    text = (tmp_path / "crisiskit.yml").read_text(encoding="utf-8")
    assert "languages: [en]\n" in text
    assert not re.search(r"^ +zh-Hant:", text, re.MULTILINE)
    assert "    en: \"[[fill in: the 'About' paragraph closing every press release, in en]]\"" in text
    bad = invoke(tmp_path / "kits", "init", "--language", "english")
    assert bad.returncode == 2 and "expected a BCP 47 language tag" in bad.stderr
    assert not (tmp_path / "kits" / "crisiskit.yml").exists()


# --- the rest of a new site repository -------------------------------------------------------------------------------

# The repository's own theme overrides, examples and mkdocs.yml are read here on purpose: init must copy exactly what
# this project builds with (they are crisiskit's product files, not the sample incidents in kits/).
ROOT = Path(__file__).resolve().parents[1]
NAME = "[[fill in: your organisation's name]]"
SITE_FILES = {
    "crisiskit.yml",
    "mkdocs.yml",
    "content/en/index.md",
    "content/zh-Hant/index.md",
    ".github/workflows/crisiskit.yml",
    ".github/workflows/pages.yml",
    ".github/CODEOWNERS",
    ".gitignore",
}


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def _theme() -> set[str]:
    return {f"overrides/{name}" for name in _files(ROOT / "overrides") if not Path(name).name.startswith(".")}


def _mkdocs(text: str) -> dict:
    from mkdocs.utils import yaml_load

    return yaml_load(text)


def test_init_starts_a_site_repository_without_sample_incidents(tmp_path: Path) -> None:
    result = invoke(tmp_path, "init", "site")
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    assert _files(site) == SITE_FILES | _theme()
    assert (site / "kits").is_dir() and not any((site / "kits").iterdir())  # no incident, no scenario copied
    for name in sorted(SITE_FILES - {"crisiskit.yml"}):
        assert f"\ncreated site/{name}\n" in result.stdout, name
    assert "\ncreated site/overrides/\n" in result.stdout and "skipped" not in result.stdout
    # the theme the build needs and the example workflows, as this project has them
    for name in _theme():
        assert (site / name).read_bytes() == (ROOT / name).read_bytes(), name
    for copied, example in (
        (".github/workflows/crisiskit.yml", "examples/github/workflows/crisiskit.yml"),
        (".github/workflows/pages.yml", "examples/github/workflows/pages.yml"),
        (".github/CODEOWNERS", "examples/CODEOWNERS"),
    ):
        assert (site / copied).read_bytes() == (ROOT / example).read_bytes(), copied
    assert {"/site/", "/build/"} <= set((site / ".gitignore").read_text(encoding="utf-8").splitlines())
    # a home page per language with the status marker, in its language
    from crisiskit.render.status import STATUS_MARKER

    english = (site / "content" / "en" / "index.md").read_text(encoding="utf-8")
    chinese = (site / "content" / "zh-Hant" / "index.md").read_text(encoding="utf-8")
    assert STATUS_MARKER in english and STATUS_MARKER in chinese
    assert english.startswith("---\ntitle:") and "audience: public\n" in english and "官方聲明" in chinese
    config = _mkdocs((site / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["theme"]["language"] == "en" and config["theme"]["custom_dir"] == "overrides"
    assert config["docs_dir"] == "content"
    assert config["extra"]["crisiskit"]["site_name"] == {
        "en": f"{NAME} Status & Statements",
        "zh-Hant": f"{NAME} 狀態與聲明",
    }


def test_the_mkdocs_yml_init_writes_is_this_projects_but_for_the_names() -> None:
    from crisiskit.cli.init import mkdocs_text

    ours = _mkdocs((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    written = _mkdocs(mkdocs_text(["en", "zh-Hant"]))
    for config in (ours, written):
        for key in ("site_name", "site_url", "site_description"):
            config.pop(key)
        for key in ("site_name", "site_description", "copyright"):
            config["extra"]["crisiskit"].pop(key, None)
    # a change to mkdocs.yml belongs in generator/crisiskit/templates/site/mkdocs.yml too
    assert repr(written) == repr(ours)


def test_init_never_overwrites_a_site_file_and_says_what_it_skipped(tmp_path: Path) -> None:
    (tmp_path / "content" / "en").mkdir(parents=True)
    (tmp_path / "content" / "en" / "index.md").write_text("# Ours\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: Ours\n", encoding="utf-8")
    (tmp_path / "overrides").mkdir()
    (tmp_path / "overrides" / "extra.css").write_text("body {}\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("*.pyc\n", encoding="utf-8")
    result = invoke(tmp_path, "init")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "content" / "en" / "index.md").read_text(encoding="utf-8") == "# Ours\n"
    assert (tmp_path / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: Ours\n"
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "*.pyc\n"
    assert _files(tmp_path / "overrides") == {"extra.css"}  # a theme is never a mix of theirs and crisiskit's
    skipped = sorted(line for line in result.stdout.splitlines() if line.startswith("skipped "))
    assert skipped == [
        f"skipped {name}: already there, kept as it is"
        for name in sorted([".gitignore", "content/en/index.md", "mkdocs.yml", "overrides/"])
    ]
    assert "created content/zh-Hant/index.md\n" in result.stdout
    assert (tmp_path / ".github" / "workflows" / "pages.yml").is_file()


def test_the_languages_given_shape_the_site_files(tmp_path: Path) -> None:
    assert invoke(tmp_path, "init", "--language", "zh-Hans", "--language", "en").returncode == 0
    assert sorted(p.parent.name for p in (tmp_path / "content").rglob("index.md")) == ["en", "zh-Hans"]
    assert "官方声明" in (tmp_path / "content" / "zh-Hans" / "index.md").read_text(encoding="utf-8")
    config = _mkdocs((tmp_path / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["theme"]["language"] == "zh-Hans"
    assert set(config["extra"]["crisiskit"]["site_description"]) == {"zh-Hans", "en"}


def test_an_initialised_site_builds_with_an_incident_from_a_library_scenario(tmp_path: Path) -> None:
    from sites import build

    assert invoke(tmp_path, "init").returncode == 0
    config = tmp_path / "crisiskit.yml"
    config.write_text(_fill(config.read_text(encoding="utf-8")), encoding="utf-8")
    for page in [tmp_path / "mkdocs.yml", *(tmp_path / "content").rglob("*.md")]:
        page.write_text(page.read_text(encoding="utf-8").replace(NAME, "Acme Pay"), encoding="utf-8")
    shutil.copy(TESTDATA / "init" / "outage-answers.yml", tmp_path / "answers.yml")
    opened = invoke(tmp_path, "new", "outage", "--scenario", "service-outage", "--from", "answers.yml")
    assert opened.returncode == 0, opened.stderr
    assert (tmp_path / "kits" / "scenarios" / "service-outage.yml").is_file()  # copied from the library by new
    for role, name in (("communications", "Lee Chen"), ("legal", "Mei Lin")):
        assert invoke(tmp_path, "approve", "--pending", "--role", role, "--by", name).returncode == 0
    at = "2026-11-20T10:00:00+08:00"
    checked = invoke(tmp_path, "check", "kits", "--strict", "--at", at)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    build(tmp_path, at, "public")
    public = tmp_path / "site" / "public"
    for lang, title in (("en", "Payments unavailable"), ("zh-Hant", "付款服務暫停")):
        home = (public / lang / "index.html").read_text(encoding="utf-8")
        assert title in home  # the open incident in the home page's status block
        assert "<title>" in home and "Acme Pay" in home
        assert (public / lang / "incidents" / "outage" / "index.html").is_file()
    assert not (tmp_path / "site" / "internal").exists()
    assert not any("[[fill in" in p.read_text(encoding="utf-8", errors="replace") for p in public.rglob("*.html"))
