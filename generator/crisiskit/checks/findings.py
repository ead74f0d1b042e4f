"""Findings, the rule catalogue, and the project's rule settings.

A finding names a stable rule id, its severity after the project's
settings, where the offending text was written (file, line, column, key
path), the channel and language, what is wrong and how to fix it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from ruamel.yaml import YAML

from crisiskit.texts import Origin


@lru_cache(maxsize=1)
def rule_catalogue() -> dict[str, dict[str, str]]:
    """data/rules.yml: id -> severity, title, hint."""
    text = resources.files("crisiskit").joinpath("data/rules.yml").read_text(encoding="utf-8")
    return YAML(typ="safe").load(text)


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on one place."""

    file: str
    line: int
    column: int
    rule: str
    severity: str
    path: str
    message: str
    hint: str
    channel: str | None = None
    language: str | None = None

    def sort_key(self) -> tuple:
        """File, then position, then rule: the order a reader fixes them in."""
        return (self.file, self.line, self.column, self.rule, self.channel or "", self.language or "", self.message)

    def text(self) -> str:
        scope = "/".join(x for x in (self.channel, self.language) if x)
        scope = f" [{scope}]" if scope else ""
        return (f"{self.file}:{self.line}:{self.column} {self.path}: {self.severity} {self.rule}{scope}: "
                f"{self.message} ({self.hint})")

    def github(self) -> str:
        level = "error" if self.severity == "error" else "warning"
        message = f"{self.message} {self.hint}".replace("%", "%25").replace("\n", "%0A")
        return f"::{level} file={self.file},line={self.line},col={self.column},title={self.rule}::{message}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def finding(rule: str, where: Origin, message: str, *, channel: str | None = None, language: str | None = None,
            token: str | None = None, settings: dict[str, str] | None = None) -> Finding | None:
    """A Finding for ``rule`` at ``where`` (or at ``token`` inside it), or None if the project turned it off."""
    spec = rule_catalogue()[rule]
    severity = (settings or {}).get(rule, spec["severity"])
    if severity == "off":
        return None
    if token:
        line, column = where.find(token, language)
    elif language in where.starts and where.lines:  # the language's own line of a per-language text
        line = where.starts[language]
        if where.lines[line - 1].rstrip().endswith((">", ">-", ">+", "|", "|-", "|+")) and line < len(where.lines):
            line += 1  # a block scalar: its text starts on the next line
        column = len(where.lines[line - 1]) - len(where.lines[line - 1].lstrip()) + 1
    else:
        line, column = where.line, where.column
    path = f"{where.path}.{language}" if language and language in where.starts else where.path
    return Finding(where.file, line, column, rule, severity, path, message, spec["hint"], channel, language)


def render_findings(findings: list[Finding], fmt: str) -> str:
    """Findings as text lines, JSON, or GitHub workflow annotations."""
    ordered = sorted(findings, key=Finding.sort_key)
    if fmt == "json":
        return json.dumps([f.as_dict() for f in ordered], ensure_ascii=False, indent=2) + "\n"
    lines = [f.github() if fmt == "github" else f.text() for f in ordered]
    return "".join(line + "\n" for line in lines)
