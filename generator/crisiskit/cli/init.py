"""``crisiskit init [PATH]``: start a site repository, with its organisation profile, once for every incident.

Writes ``crisiskit.yml`` with the profile every kit inherits (model/profile.py):
each value the organisation must give is a ``[[fill in ...]]`` placeholder that
``crisiskit check`` refuses, and each field carries a comment in English and
Traditional Chinese saying what it is, with an example. The English
descriptions are the kit schema's own (its field docstrings). An existing
crisiskit.yml is never overwritten (init then stops, writing nothing); ``kits/`` is created if missing.

Then, each only where nothing is at its path (what is there is kept and named as
skipped), the rest of a site repository, from crisiskit's own copy in
``templates/site/`` (packaged in the wheel): ``mkdocs.yml`` (the base of every
site build, with the organisation's name as placeholders), a home page
``content/<lang>/index.md`` per language with the status marker
(render/status.py), the theme overrides the build needs (``overrides/``), the
example workflows (review on pull requests, GitHub Pages deployment) and
CODEOWNERS under ``.github/``, and a ``.gitignore`` for ``site/`` and ``build/``.
Scenarios are not copied: ``crisiskit new`` copies the one an incident uses from
the library into ``kits/scenarios/``, for the team to review.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import click
from pydantic import BaseModel

from crisiskit.cli.common import out
from crisiskit.errors import SystemProblem, UserError
from crisiskit.model.config import CONFIG_FILE
from crisiskit.model.profile import PROFILE_FIELDS, model_of
from crisiskit.model.schema.kit import KitFields
from crisiskit.model.schema.types import LANGUAGE_TAG, PLACEHOLDER
from crisiskit.model.tables import approval_table

DEFAULT_LANGUAGES = ("en", "zh-Hant")

# field path -> (the comment in Traditional Chinese, the example); the English comment is the schema's docstring
_FIELDS: dict[str, tuple[str, str]] = {
    "languages": ("所有文字使用的語言；第一個是原文語言。", "[en, zh-Hant]"),
    "organization": ("發言的組織。", ""),
    "organization.name": ("大眾所熟知的組織名稱。", "Acme Pay, or {en: Acme Pay, zh-Hant: 艾克支付}"),
    "organization.website": ("組織的主要網址。", "https://acme.example/"),
    "organization.boilerplate": (
        "每份新聞稿結尾的「關於我們」段落。",
        "{en: Acme Pay runs payments for shops in Taiwan., zh-Hant: 艾克支付為臺灣商店提供付款服務。}",
    ),
    "organization.city": ("發布聲明的城市，用於新聞稿的電頭。", "{en: TAIPEI, zh-Hant: 臺北}"),
    "organization.locale": ("各語言的日期、時間與數字格式所依循的地區設定。", "{en: en-US, zh-Hant: zh-Hant-TW}"),
    "spokesperson": ("對媒體的唯一發言人。", ""),
    "spokesperson.name": ("全名。", "Lee Chen, or {en: Lee Chen, zh-Hant: 陳立}"),
    "spokesperson.title": ("簽名下方顯示的職稱。", "{en: Head of Communications, zh-Hant: 公關主管}"),
    "signatory": ("在聲明上署名的人。", ""),
    "signatory.name": ("全名。", "Mei Lin, or {en: Mei Lin, zh-Hant: 林美}"),
    "signatory.title": ("簽名下方顯示的職稱。", "{en: Chief Executive, zh-Hant: 執行長}"),
    "contacts": ("受影響者與媒體取得協助的管道。", ""),
    "contacts.hotline": ("受影響者專用的電話專線。", "+886 2 2700 1234"),
    "contacts.email": ("受影響者的客服電子郵件。", "help@acme.example"),
    "contacts.press": ("新聞稿中列出的媒體聯絡人。", ""),
    "contacts.press.name": ("記者應聯絡的人。", "Press Office, or {en: Press Office, zh-Hant: 媒體聯絡窗口}"),
    "contacts.press.email": ("媒體聯絡電子郵件。", "press@acme.example"),
    "contacts.press.phone": ("媒體聯絡電話。", "+886 2 2700 1299"),
    "contacts.privacy": ("個資保護長的電子郵件（GDPR 通知必備）；不需要時可刪除此行。", "dpo@acme.example"),
}
_TEXTS = {"organization.boilerplate", "organization.city", "spokesperson.title", "signatory.title"}
_LOCALES = {"en": "en-US", "zh-Hant": "zh-Hant-TW", "zh-Hans": "zh-Hans-CN"}
_OPTIONAL = {"contacts.privacy"}  # written as a comment: most incidents need none


def _describe(model: type[BaseModel], name: str) -> str:
    """The schema's own description of a field, up to its first aside."""
    text = " ".join((model.model_fields[name].description or name).split())
    return text.split(" (")[0].rstrip(".;") + "."


def _placeholder(what: str) -> str:
    return json.dumps(f"{PLACEHOLDER}: {what}]]", ensure_ascii=False)


def _comment(path: str, english: str, indent: str) -> list[str]:
    chinese, example = _FIELDS[path]
    return [
        f"{indent}# {english}" + (f" Example: {example}" if example else ""),
        f"{indent}# {chinese}" + (f"例：{example.replace(', or ', '，或 ')}" if example else ""),
    ]


def _field(model: type[BaseModel], block: str, name: str, languages: list[str], indent: str) -> list[str]:
    path = f"{block}.{name}"
    english = _describe(model, name)
    lines = _comment(path, english, indent)
    what = english[0].lower() + english[1:].rstrip(".")
    if path in _OPTIONAL:
        lines[0] += " Optional: delete the line if unused."
        return [*lines, f"{indent}# {name}: {_FIELDS[path][1]}"]
    if path in _TEXTS:
        texts = [f"{indent}  {lang}: {_placeholder(what + ', in ' + lang)}" for lang in languages]
        return [*lines, f"{indent}{name}:", *texts]
    if path == "organization.locale":
        examples = {lang: _LOCALES.get(lang, lang + "-...") for lang in languages}
        locales = [f"{indent}  {lang}: {_placeholder('e.g. ' + examples[lang])}" for lang in languages]
        return [*lines, f"{indent}{name}:", *locales]
    return [*lines, f"{indent}{name}: {_placeholder(what)}"]


def _block(path: str, parent: type[BaseModel], languages: list[str], indent: str = "") -> list[str]:
    """A block (organization, contacts.press, ...) of the profile, each of its fields explained, nested blocks too."""
    name = path.split(".")[-1]
    model = model_of(parent.model_fields[name].annotation)
    assert model is not None, path
    lines = [*_comment(path, _describe(parent, name), indent), f"{indent}{name}:"]
    for field, info in model.model_fields.items():
        if model_of(info.annotation) is not None:
            lines += _block(f"{path}.{field}", model, languages, indent + "  ")
        else:
            lines += _field(model, path, field, languages, indent + "  ")
    return lines


def profile_text(languages: list[str]) -> str:
    """The crisiskit.yml ``crisiskit init`` writes: the profile in placeholders, every field explained."""
    approvals = approval_table()
    by_severity = ", ".join(f"{k}: [{', '.join(v)}]" for k, v in approvals.by_severity.items())
    by_channel = ", ".join(f"{k}: [{', '.join(v)}]" for k, v in approvals.by_channel.items())
    lines = [
        "# crisiskit.yml: the organisation profile every incident in kits/ inherits, and the project's settings.",
        "# crisiskit.yml：kits/ 中每一個事件都沿用的組織資料，以及本專案的設定。",
        "#",
        "# Replace every [[fill in ...]] placeholder: `crisiskit check` refuses the project until none is left.",
        "# 請替換每一個 [[fill in ...]] 佔位文字：全部填寫之前，`crisiskit check` 不會通過。",
        "# A kit may override any field by writing only that field, such as organization: {city: ...};",
        "# every field it leaves out comes from here. A text, list or locale it writes replaces this one whole.",
        "# 事件檔案只要寫出要改的欄位即可覆寫（例如 organization: {city: ...}），沒寫的欄位沿用本檔；",
        "# 事件檔案寫出的文字、清單或地區設定會整個取代本檔的值。",
        "",
        *_comment("languages", _describe(KitFields, "languages"), ""),
        f"languages: [{', '.join(languages)}]",
        "",
    ]
    for name in PROFILE_FIELDS:
        if name != "languages":
            lines += [*_block(name, KitFields, languages), ""]
    lines += [
        "# Default approvers: the roles that must approve a revision, by severity and by channel. These are",
        "# crisiskit's defaults; uncomment to change them (a severity or channel given here replaces its list).",
        "# 預設核准人：依嚴重程度與管道，每個版本須經哪些角色核准。以下為 crisiskit 的預設值；",
        "# 取消註解即可修改（此處列出的嚴重程度或管道會取代其預設清單）。",
        "# approvals:",
        f"#   by_severity: {{{by_severity}}}",
        f"#   by_channel: {{{by_channel}}}",
        "",
        "# Also possible here: rules (CK201: off), limits and severity deadlines; see the README.",
        "# 也可在此設定：rules（例如 CK201: off）、limits 與各嚴重程度的時限；請見 README。",
    ]
    return "\n".join(lines) + "\n"


def init_project(folder: Path, languages: list[str]) -> Path:
    """Write ``folder``/crisiskit.yml (never over an existing one) and create ``folder``/kits/ if missing."""
    target = folder / CONFIG_FILE
    kits = folder / "kits"
    if target.exists() or target.is_symlink():
        raise UserError(
            f"{target}: expected a folder without a crisiskit.yml; got one that already exists "
            "(edit it, or move it away to start again)"
        )
    if kits.exists() and not kits.is_dir():
        raise UserError(f"{kits}: expected a folder for the incident kits; got a file")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise UserError(f"{target}: expected a folder without a crisiskit.yml; got one that already exists") from None
    except OSError as error:
        raise SystemProblem(error, target, "nothing was written") from error
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(profile_text(languages))
        kits.mkdir(exist_ok=True)
    except BaseException:  # a full disk or Ctrl+C: no half-written crisiskit.yml that blocks the next init
        target.unlink(missing_ok=True)
        raise
    return target


SITE_TEMPLATES = "site"
"""crisiskit's copy of a new site repository's files, under templates/ (packaged in the wheel)."""

_HOME_TEXT = {"en": "en", "zh-Hant": "zh-Hant", "zh-Hans": "zh-Hans"}  # a home page in another language: English
_SITE_NAME = {"en": "{name} Status & Statements", "zh-Hant": "{name} 狀態與聲明", "zh-Hans": "{name} 状态与声明"}
_SITE_DESCRIPTION = {
    "en": "Official statements, updates and answers from {name}.",
    "zh-Hant": "{name} 的正式聲明、最新消息與問答。",
    "zh-Hans": "{name} 的正式声明、最新消息与问答。",
}
_NAME = "[[fill in: your organisation's name]]"
# what init copies from templates/site/ (a folder: every file in it) -> where, in the new repository
_COPIES = (
    ("overrides", "overrides"),
    ("examples/github/workflows/crisiskit.yml", ".github/workflows/crisiskit.yml"),
    ("examples/github/workflows/pages.yml", ".github/workflows/pages.yml"),
    ("examples/CODEOWNERS", ".github/CODEOWNERS"),
    ("gitignore", ".gitignore"),
)


def site_templates() -> Path:
    """templates/site/ in the installed package."""
    return Path(str(resources.files("crisiskit").joinpath("templates", SITE_TEMPLATES)))


def mkdocs_text(languages: list[str]) -> str:
    """The mkdocs.yml ``crisiskit init`` writes: the shared base of every site build, names as placeholders."""
    template = (site_templates() / "mkdocs.yml").read_text(encoding="utf-8")
    lines = []
    for key, texts in (("site_name", _SITE_NAME), ("site_description", _SITE_DESCRIPTION)):
        lines.append(f"    {key}:")
        for lang in languages:
            text = texts.get(lang, texts["en"]).format(name=_NAME)
            lines.append(f"      {lang}: {json.dumps(text, ensure_ascii=False)}")
    return template.replace("@LANGUAGE@", languages[0]).replace("@CRISISKIT@", "\n".join(lines))


def home_text(language: str) -> str:
    """content/<language>/index.md: the hand-written home page, the status of open incidents at its marker."""
    name = _HOME_TEXT.get(language, "en")
    return (site_templates() / "content" / f"index.{name}.md").read_text(encoding="utf-8")


def _site_files(languages: list[str]) -> Iterator[tuple[str, bytes]]:
    """Every further file of a new site repository, as (path in the repository, bytes), in the order written."""
    yield "mkdocs.yml", mkdocs_text(languages).encode("utf-8")
    for lang in languages:
        yield f"content/{lang}/index.md", home_text(lang).encode("utf-8")
    root = site_templates()
    for source, target in _COPIES:
        found = root / source
        if found.is_dir():
            for path in sorted(found.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts and not path.name.startswith("."):
                    yield f"{target}/{path.relative_to(found).as_posix()}", path.read_bytes()
        else:
            yield target, found.read_bytes()


def _write_new(path: Path, data: bytes) -> bool:
    """Write ``path`` only if nothing is there (not even a link); False if something is."""
    if path.exists() or path.is_symlink():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:  # a full disk or Ctrl+C: no half-written file that a next init would keep
        path.unlink(missing_ok=True)
        raise
    return True


def _shown(folder: Path, relative: str) -> str:
    return (folder / relative).as_posix() + ("/" if relative.endswith("/") else "")


def init_site(folder: Path, languages: list[str]) -> tuple[list[str], list[str]]:
    """Write the rest of a site repository into ``folder``, never over anything: (written, skipped) paths.

    A whole folder crisiskit copies (overrides/) is skipped when it exists at all, so a theme is never a
    mix of the organisation's files and crisiskit's.
    """
    written: list[str] = []
    skipped: list[str] = []
    whole = [target for source, target in _COPIES if (site_templates() / source).is_dir()]
    for relative, data in _site_files(languages):
        folder_of = next((w for w in whole if relative.startswith(w + "/")), None)
        if folder_of is not None and (folder_of + "/") in skipped:
            continue
        if folder_of is not None and folder_of + "/" not in written and (folder / folder_of).exists():
            skipped.append(folder_of + "/")
            continue
        path = folder / relative
        try:
            done = _write_new(path, data)
        except OSError as error:
            raise SystemProblem(error, path, "the files named before it were written; run init again") from error
        if folder_of is not None:
            if folder_of + "/" not in written:
                written.append(folder_of + "/")
        elif done:
            written.append(relative)
        else:
            skipped.append(relative)
    return written, skipped


def _languages(_ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> list[str]:
    given = list(value) or list(DEFAULT_LANGUAGES)
    for tag in given:
        if not re.match(LANGUAGE_TAG, tag):
            raise click.BadParameter(f"expected a BCP 47 language tag such as en, zh-Hant or zh-Hans; got {tag!r}")
    if len(set(given)) != len(given):
        raise click.BadParameter(f"expected each language once; got {', '.join(given)}")
    return given


@click.command()
@click.argument("path", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--language",
    "languages",
    multiple=True,
    callback=_languages,
    help="A language of every text, the first the source language (repeat; default: en and zh-Hant).",
)
def init(path: Path, languages: list[str]) -> None:
    """Start a site repository in PATH (default: here): crisiskit.yml to fill in, the site's files, workflows."""
    created = init_project(path, languages)
    out.print(
        f"created {created} and kits/: replace every [[fill in ...]] placeholder, then run crisiskit check",
        markup=False,
    )
    written, skipped = init_site(path, languages)
    for name in written:
        out.print(f"created {_shown(path, name)}", markup=False)
    for name in skipped:
        out.print(f"skipped {_shown(path, name)}: already there, kept as it is", markup=False)
    out.print(
        "next: fill in the [[fill in ...]] placeholders in mkdocs.yml and content/ too, set site_url in mkdocs.yml, "
        "then open an incident with crisiskit new ID --scenario NAME (crisiskit new --list shows them)",
        markup=False,
    )
