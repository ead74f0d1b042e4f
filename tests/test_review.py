"""`crisiskit review`: the digest a lawyer reads in the pull request, summary first, and always one comment long."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml

from conftest import TESTDATA
from sites import REPO, committed_copy, git, invoke

FIXTURE = TESTDATA / "test_review"  # kits/outage.yml: two revisions, en and zh-Hant, a fact quoted everywhere
AT = "2026-11-20T13:30:00+08:00"
GITHUB_LIMIT = 65_536


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return committed_copy(FIXTURE, tmp_path / "site", "*.md")


def _change(project: Path, *edits: tuple[str, str], append: str = "") -> None:
    """Edit kits/outage.yml and commit it: the pull request the digest describes (against HEAD~1)."""
    kit = project / "kits/outage.yml"
    text = kit.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    kit.write_text(text + append, encoding="utf-8")
    git(project, "commit", "-qam", "the pull request")


def _review(project: Path, *args: str) -> str:
    result = invoke(project, "review", "--base", "HEAD~1", "--at", AT, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _size(text: str) -> int:
    """Characters as GitHub counts them at most (UTF-16 code units: an emoji is two)."""
    return len(text.encode("utf-16-le")) // 2


def test_one_fact_changed_reads_as_one_summary_line_not_every_text(repo: Path, golden) -> None:
    _change(repo, ("reports_received: 12", "reports_received: 14"))
    digest = _review(repo)
    golden.check(FIXTURE / "fact.md", digest)
    summary = digest.split("## Findings")[0]
    line = next(x for x in summary.splitlines() if x.startswith("- fact reports_received 12 -> 14 changes: "))
    assert "Opening (en, zh-Hant)" in line and "Customer e-mail (en, zh-Hant)" in line and "(revisions 1, 2)" in line
    assert "other text changes" not in summary
    # The word diff once per language, not one section per changed text.
    assert digest.count("\n##### ") == 2
    assert "(en, changed)" not in digest and "(zh-Hant, changed)" not in digest
    assert "- communications approval still needed for revisions 1, 2: " in summary
    assert '`crisiskit approve kits/outage.yml --pending --role communications --by "NAME"`' in summary


def test_a_hotline_change_and_an_edit_beyond_the_facts(repo: Path) -> None:
    _change(
        repo,
        ("hotline: +886 2 2700 1234", "hotline: +886 2 2700 9999"),
        ("reports_received: 12", "reports_received: 14"),
        ("We have undone the change and are", "We have undone the change, and we are"),
    )
    digest = _review(repo)
    summary = digest.split("## Findings")[0]
    assert (
        "- hotline +886 2 2700 1234 -> +886 2 2700 9999 changes: revision 1: How to get help (en, zh-Hant)" in summary
    )
    assert "- fact reports_received 12 -> 14 changes: revision 1: Opening (en, zh-Hant)" in summary
    # A text changed by the edit and a fact is shown whole, never folded under the fact.
    other = next(x for x in summary.splitlines() if x.startswith("- other text changes: "))
    assert "What we are doing (en)" in other and "(revision 2)" in other
    assert "> We have undone the change**,** and **we** are checking every server." in digest
    # The posts that quote the edited section, and change only by it, are named under it, not shown again.
    assert "Changed only by quoting this: Facebook, Customer e-mail, Customer-service script." in digest


CORRECTION = """  - revision: 3
    status: identified
    issued_at: 2026-11-20T13:20:00+08:00
    next_update_at: 2026-11-20T17:00:00+08:00
    corrects: 2
    correction:
      en: Revision 2 named the wrong cause.
      zh-Hant: 第 2 版所述原因有誤。
    statement:
      headline: {en: Statement on the website outage, zh-Hant: 關於網站無法使用的說明}
      acknowledgement:
        en: Since {{ facts.outage_start }}, visitors cannot open our website; {{ facts.reports_received }} customers have told us so far. We are sorry for the disruption to your work.
        zh-Hant: 自 {{ facts.outage_start }} 起，訪客無法開啟我們的網站，目前已有 {{ facts.reports_received }} 位顧客回報。影響了您的工作，我們深感抱歉。
      cause:
        en: A certificate expired on the servers that answer visitors.
        zh-Hant: 負責回應訪客的伺服器憑證已過期。
      actions:
        en: We have undone the change and are checking every server.
        zh-Hant: 我們已還原該變更，並正在逐一檢查伺服器。
      next_update:
        en: We will post the next update by {{ next_update }}.
        zh-Hant: 我們將於 {{ next_update }} 前發布下一次更新。
"""  # noqa: E501 (a kit's long lines, kept as a user writes them)


def test_a_correction_shows_its_note_and_what_it_corrects(repo: Path, golden) -> None:
    _change(repo, append=CORRECTION)
    digest = _review(repo)
    golden.check(FIXTURE / "correction.md", digest)
    summary = digest.split("## Findings")[0]
    assert '- revision 3 added (status identified), corrects revision 2: "Revision 2 named the wrong cause."' in summary
    assert "(new; corrects revision 2, so compared with what revision 2 said)" in digest
    # What it corrects: revision 2's words struck through, the new ones marked, in both languages.
    assert "~~configuration change sent visitors to~~" in digest or "~~A configuration change" in digest
    assert "> 第 2 版所述原因有誤。" in digest and "> Revision 2 named the wrong cause." in digest


def _revision(number: int) -> str:
    """A new revision whose every text differs from the one before: long enough that four overflow a comment."""
    words = " ".join(f"revision{number}wording{i:03d}withalongtailsoafewtokensmakealongtext" for i in range(70))
    zh = "".join(f"第{number}階段第{i}項" for i in range(30)) + f"（{words}）"
    return f"""  - revision: {number}
    status: identified
    issued_at: 2026-11-20T13:{number:02d}:00+08:00
    next_update_at: 2026-11-20T17:00:00+08:00
    statement:
      headline: {{en: Statement {number} on the website outage, zh-Hant: 第 {number} 份網站無法使用說明}}
      acknowledgement:
        en: Revision {number}. Visitors still cannot open our website. We are sorry. {words}
        zh-Hant: 第 {number} 版。訪客仍無法開啟我們的網站，我們深感抱歉。{zh}
      cause:
        en: The cause as known at revision {number}. {words}
        zh-Hant: 第 {number} 版已知原因。{zh}
      actions:
        en: What we do at revision {number}. {words}
        zh-Hant: 第 {number} 版的處理。{zh}
      next_update:
        en: We will post the next update by {{{{ next_update }}}}.
        zh-Hant: 我們將於 {{{{ next_update }}}} 前發布下一次更新。
"""


def test_a_digest_longer_than_a_comment_is_bounded_with_its_summary_and_a_pointer(repo: Path) -> None:
    _change(repo, ("reports_received: 12", "reports_received: 14"), append="".join(_revision(n) for n in (3, 4, 5, 6)))
    shown = _review(repo, "--output", "review-full.md", "--link", "https://ci.example/runs/7")
    full = (repo / "review-full.md").read_text(encoding="utf-8")
    assert _size(full) > GITHUB_LIMIT, "the fixture must overflow a comment"
    assert _size(shown) < GITHUB_LIMIT and len(shown) < GITHUB_LIMIT
    pointer = f"The full digest ({len(full):,} characters) is the file `review-full.md`: https://ci.example/runs/7"
    opening, cut = f"**This digest is too long for one comment.** {pointer}", f"*The detail stops here. {pointer}*"
    assert shown.startswith(f"# crisiskit review (against `HEAD~1`)\n\n{opening}\n\n## Summary\n")
    for number in (3, 4, 5, 6):
        assert f"- revision {number} added (status identified)" in shown
    assert "- fact reports_received 12 -> 14 changes: " in shown and "## Findings from `crisiskit check`" in shown
    # Cut between whole blocks: without the two pointer paragraphs, the comment is the full digest's beginning,
    # ending where the full digest has a blank line (no line, quote or Markdown construct cut in two).
    assert shown.endswith(f"\n\n{cut}\n")
    kept = shown.replace(f"\n\n{opening}", "", 1).removesuffix(f"\n\n{cut}\n")
    assert full.startswith(kept) and full[len(kept) :].startswith("\n\n")
    assert "## Detail" in kept, "as much detail as fits, not the summary alone"
    assert not kept.rsplit("\n\n", 1)[-1].startswith("#"), "a heading kept without what it heads"


def test_without_output_the_pointer_says_how_to_get_the_full_digest(repo: Path) -> None:
    _change(repo, append="".join(_revision(n) for n in (3, 4, 5, 6)))
    shown = _review(repo)
    assert _size(shown) < GITHUB_LIMIT
    assert "For the full digest, run `crisiskit review --base HEAD~1 --output FILE`." in shown


def test_a_digest_that_fits_is_printed_whole_and_written_whole(repo: Path) -> None:
    _change(repo, ("reports_received: 12", "reports_received: 14"))
    shown = _review(repo, "--output", "full.md")
    assert shown == (repo / "full.md").read_text(encoding="utf-8")
    assert "too long" not in shown


def test_the_example_workflow_posts_the_bounded_digest_and_keeps_the_full_one(repo: Path) -> None:
    workflow = yaml.safe_load((REPO / "examples/github/workflows/crisiskit.yml").read_text(encoding="utf-8"))
    steps = {s.get("name"): s for s in workflow["jobs"]["review"]["steps"]}
    command = shlex.split(
        steps["review digest"]["run"]
        .replace('"origin/${{ github.base_ref }}"', "HEAD~1")
        .replace("${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}", "https://ci")
    )
    assert command[:2] == ["crisiskit", "review"] and command[-2:] == [">", "review.md"]
    full_file = command[command.index("--output") + 1]
    assert steps["keep the full digest"]["with"]["path"] == full_file
    assert "--body-file review.md" in steps["post the digest"]["run"]
    _change(repo, append="".join(_revision(n) for n in (3, 4, 5, 6)))
    result = invoke(repo, *command[1:-2], "--at", AT)
    assert result.returncode == 0, result.stderr
    assert _size(result.stdout) < GITHUB_LIMIT and f"`{full_file}`: https://ci" in result.stdout
    assert (repo / full_file).is_file()


def test_the_bound_keeps_whole_blocks_and_no_heading_without_its_text() -> None:
    from crisiskit.review.comment import Block, Digest

    digest = Digest(
        "# crisiskit review",
        [Block("## Summary"), Block("- one"), Block("- two", tight=True)],
        [Block("## Findings from `crisiskit check`"), Block("None.")],
        [Block("## Detail"), Block("> short"), Block("##### X (en, changed)"), Block("> " + "long " * 100)],
    )
    assert digest.bounded("See full.md.", limit=10_000) == digest.full()
    shown = digest.bounded("See full.md.", limit=300)
    assert shown == (
        "# crisiskit review\n\n**This digest is too long for one comment.** See full.md.\n\n"
        "## Summary\n\n- one\n- two\n\n## Findings from `crisiskit check`\n\nNone.\n\n## Detail\n\n> short\n\n"
        "*The detail stops here. See full.md.*\n"
    )
    assert len(shown) <= 300


def test_a_removed_revision_is_named_in_the_summary(repo: Path) -> None:
    kit = (repo / "kits/outage.yml").read_text(encoding="utf-8")
    _change(repo, (kit[kit.index("  - revision: 2") :], ""))
    summary = _review(repo).split("## Findings")[0]
    assert "### Website unavailable (`kits/outage.yml`)\n\n- revision 2 removed\n" in summary


def test_an_embargo_moved_on_an_existing_revision_is_listed_though_no_text_quotes_it(repo: Path) -> None:
    _change(
        repo,
        (
            "    issued_at: 2026-11-20T13:00:00+08:00\n",
            "    issued_at: 2026-11-20T13:00:00+08:00\n    publish_at: 2026-11-20T15:00:00+08:00\n",
        ),
    )
    summary = _review(repo).split("## Findings")[0]
    assert (
        "- time published 20 November 2026, 13:00 (UTC+08:00) -> 20 November 2026, 15:00 (UTC+08:00) "
        "(revision 2; no text quotes it)" in summary
    )


def test_a_long_text_fact_is_named_on_one_line(repo: Path) -> None:
    _change(
        repo,
        ("  reports_received: 12\n", "  reports_received: 12\n  note: {type: text, value: {en: a, zh-Hant: b}}\n"),
        ("stopped answering at {{ facts.outage_start }}.", "stopped answering ({{ facts.note }})."),
        ("於 {{ facts.outage_start }} 停止回應", "停止回應（{{ facts.note }}）"),
    )
    long_text = ("first line of a long text fact, " * 6).strip()
    _change(repo, ("value: {en: a, zh-Hant: b}", f"value: {{en: '{long_text}', zh-Hant: c}}"))
    summary = _review(repo).split("## Findings")[0]
    line = next(x for x in summary.splitlines() if x.startswith("- fact note a -> first line of a long text fact"))
    label = line.split(" changes: ")[0]
    assert label.endswith("…") and len(label) < 100
    assert "What happened (en, zh-Hant)" in line
