"""The messaging corpus (tests/messages/): every clean text passes every rule, every planted mistake is caught
by its rule at the line and column of its words.

A rule that fires on good writing is as costly as one that misses a bad
line: teams learn to ignore it. So the corpus counts both, per case, and
prints recall and false alarms (shown with ``pytest -s``; also in every
assertion message). Each case runs in-process through load, validate,
resolve, compose and the checks, in a small kit built around it
(tests/messages/skeleton.py).
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import yaml

from crisiskit.checks.engine import run_checks
from crisiskit.checks.findings import Finding
from crisiskit.compose.composed import SiteOptions
from crisiskit.pipeline import compose, read_incidents

MESSAGES = Path(__file__).parent / "messages"
sys.path.insert(0, str(MESSAGES))
from skeleton import build_kit  # noqa: E402

CLEAN = yaml.safe_load((MESSAGES / "clean.yml").read_text(encoding="utf-8"))
PLANTED = yaml.safe_load((MESSAGES / "planted.yml").read_text(encoding="utf-8"))
SITE = SiteOptions("https://status.acme.example/")


def _run(case: dict, tmp_path: Path) -> tuple[str, list[Finding]]:
    kit, quoted = build_kit(case)
    folder = tmp_path / case["id"]
    folder.mkdir(parents=True)
    (folder / f"corpus-{case['id']}.yml").write_text(kit, encoding="utf-8")
    at = datetime.fromisoformat(
        "2026-11-20T10:10:00+08:00" if case["status"] == "investigating" else "2026-11-20T14:10:00+08:00"
    )
    return kit, run_checks(compose(read_incidents([folder]), SITE), at, approvals=False)


def _expected(kit: str, case: dict) -> tuple[int, int]:
    """Line and column of the case's token in the line holding the case's text; for a structure rule
    ("revision: N"), of the revision number, where findings about a whole revision point."""
    lines = kit.splitlines()
    if case["token"].startswith("revision: "):
        line = next(n for n, text in enumerate(lines, 1) if text.strip() == f"- {case['token']}")
        return line, lines[line - 1].index(case["token"]) + len("revision: ") + 1
    line = next(n for n, text in enumerate(lines, 1) if case["text"][:12] in text and case["token"] in text)
    return line, lines[line - 1].index(case["token"]) + 1


def _score(tmp_path: Path) -> tuple[list[str], list[str]]:
    """Cases that went wrong: any finding on a clean case or of another rule on a planted one (false alarms),
    and planted mistakes not caught by their rule at their words (misses)."""
    false_alarms, misses = [], []
    for case in CLEAN:
        _kit, found = _run(case, tmp_path / "clean")
        if found:
            false_alarms.append(f"{case['id']}: " + "; ".join(f.text() for f in found))
    for case in PLANTED:
        kit, found = _run(case, tmp_path / "planted")
        line, column = _expected(kit, case)
        caught = [f for f in found if f.rule == case["rule"] and (f.line, f.column) == (line, column)]
        others = [f for f in found if f.rule != case["rule"]]  # one planted mistake: nothing else may fire
        if others:
            false_alarms.append(f"{case['id']} (planted {case['rule']}): " + "; ".join(f.text() for f in others))
        if not caught:
            misses.append(
                f"{case['id']}: expected {case['rule']} at {line}:{column}; got "
                + ("; ".join(f.text() for f in found) or "nothing")
            )
    return false_alarms, misses


def test_the_corpus_is_large_and_covers_the_classes() -> None:
    cases = CLEAN + PLANTED
    assert len(cases) >= 60 and len(CLEAN) >= 30 and len(PLANTED) >= 30
    assert {c["lang"] for c in cases} == {"en", "zh-Hant"}
    assert {c["type"] for c in cases} == {"victim", "accidental", "preventable"}
    assert {"x", "sms", "email_subject"} <= {c["slot"] for c in cases}
    assert len({c["id"] for c in cases}) == len(cases)


def test_clean_texts_pass_and_planted_mistakes_are_caught_at_their_words(tmp_path: Path) -> None:
    false_alarms, misses = _score(tmp_path)
    caught = len(PLANTED) - len(misses)
    summary = (
        f"recall {caught}/{len(PLANTED)} planted mistakes caught at their words; "
        f"false alarms on {len(false_alarms)}/{len(CLEAN) + len(PLANTED)} texts"
    )
    print(summary)
    assert not false_alarms and not misses, "\n".join([summary, *false_alarms, *misses])
