"""The leak scan: proof, after every public build, that nothing internal got out.

Every internal fragment carries a canary marker in the review tree (Q&A,
channel posts, drafts, kit.json). After the public site is built, every
file under it (HTML, search index, sitemap, feeds, 404, copied assets) is
read and searched for every canary and for the literal sentences of every
internal fragment: Q&A answers and bridges, and the text of revisions that
are not visible yet. Whitespace (and the zero-width spaces the search index
puts between Chinese words) is ignored on both sides.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from crisiskit.render import ComposedIncident, canary
from crisiskit.textrender import text_context

_SPACE = re.compile(r"[\s\u200b]+")
_TAG = re.compile(r"<[^>]+>")
_MARKUP = re.compile(r"[*_`#>\[\]]")
_SENTENCE = re.compile(r"(?<=[.!?。！？；;])\s*|\n+")
_MIN_LATIN, _MIN_CJK = 24, 10


@dataclass(frozen=True)
class Leak:
    """An internal fragment found in a public file."""

    file: str
    fragment: str


def _squash(text: str) -> str:
    return _SPACE.sub("", html.unescape(text))


def _sentences(text: str) -> list[str]:
    out = []
    for sentence in _SENTENCE.split(_MARKUP.sub("", text)):
        squashed = _squash(sentence)
        cjk = sum(1 for ch in squashed if ord(ch) > 0x2E80)
        if len(squashed) >= (_MIN_CJK if cjk > len(squashed) / 2 else _MIN_LATIN):
            out.append(squashed)
    return out


def internal_fragments(composed: list[ComposedIncident], at: datetime) -> dict[str, str]:
    """Needle -> label: canaries, and sentences that only internal or not-yet-visible text contains."""
    needles: dict[str, str] = {}
    public_text = ""
    secret: list[tuple[str, str]] = []
    for item in composed:
        incident = item.incident
        visible = {r.number for r in item.visible(at)}
        needles[canary(incident.id, "qa")] = f"{incident.id}: internal Q&A canary"
        needles[canary(incident.id, "kit-json")] = f"{incident.id}: kit.json canary"
        for revision in incident.revisions:
            needles[canary(incident.id, "posts", revision.number)] = f"{incident.id}: posts canary r{revision.number}"
            needles[canary(incident.id, "draft", revision.number)] = f"{incident.id}: draft canary r{revision.number}"
            for lang, text in item.texts[revision.number].items():
                fields = asdict(text)
                fields.pop("posts")
                flat = json.dumps(fields, ensure_ascii=False)
                if revision.number in visible:
                    public_text += _squash(flat) + "\n"
                else:
                    secret.append((f"{incident.id} r{revision.number} ({lang}), not visible", flat))
        for lang in incident.languages:
            context = text_context(incident, incident.current, lang, "")
            for index, qa in enumerate(incident.internal_qa):
                for part in (qa.answer, qa.bridge):
                    secret.append((f"{incident.id} internal_qa[{index}] ({lang})", context.render(part, lang) or ""))
            for faq in incident.faq:
                if faq.audience == "public":
                    public_text += _squash(context.render(faq.answer, lang) or "") + "\n"
    for label, text in secret:
        for sentence in _sentences(text.replace("\\n", "\n")):
            if sentence not in public_text:
                needles.setdefault(sentence, label)
    return needles


def _readable(path: Path) -> str:
    raw = path.read_bytes()
    text = raw.decode("utf-8", errors="ignore")
    if path.suffix == ".json":
        try:
            text += "\n" + json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
    return _squash(_TAG.sub("", text)) + "\n" + _squash(text)


def scan_site(site_dir: Path, needles: dict[str, str]) -> list[Leak]:
    """Every (file, fragment) pair where an internal needle appears in the built site."""
    leaks: list[Leak] = []
    for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
        haystack = _readable(path)
        for needle, label in needles.items():
            if needle in haystack:
                leaks.append(Leak(path.relative_to(site_dir).as_posix(), label))
    return leaks
