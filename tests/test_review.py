"""`crisiskit review`: the digest a lawyer reads in the pull request, summary first, and always one comment long."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
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


def _post_step(workflow: dict) -> str:
    steps = {s.get("name"): s for s in workflow["jobs"]["review"]["steps"]}
    return steps["post the digest, one comment per part"]["run"]


FAKE_GH = """#!/bin/sh
# gh as the example workflow calls it: the comments listing answers what the --jq filter would print
# (part number and comment id of each digest comment posted before); every call is logged.
echo "$*" | tr '\\n' ' ' >> "$GH_LOG" && echo >> "$GH_LOG"
case "$*" in *--paginate*) cat "$GH_POSTED" ;; esac
"""


def test_the_example_workflow_posts_one_comment_per_part_and_updates_them_in_place(repo: Path, tmp_path: Path) -> None:
    workflow = yaml.safe_load((REPO / "examples/github/workflows/crisiskit.yml").read_text(encoding="utf-8"))
    steps = {s.get("name"): s for s in workflow["jobs"]["review"]["steps"]}
    command = shlex.split(steps["review digest"]["run"].replace('"origin/${{ github.base_ref }}"', "HEAD~1"))
    assert command[:2] == ["crisiskit", "review"] and command[-2:] == ["--parts", "review"]
    assert steps["keep the digest"]["with"]["path"] == "review/"
    _change(repo, append="".join(_revision(n) for n in (3, 4, 5, 6)))
    result = invoke(repo, *command[1:], "--at", AT)
    assert result.returncode == 0, result.stderr
    parts = sorted((repo / "review").glob("review-*.md"))
    assert len(parts) >= 2 and result.stdout.split() == [f"review/review-{n}.md" for n in range(1, len(parts) + 1)]
    # The post step, run by bash with a fake gh: the last run posted parts 1, 2 and a surplus part 9.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(FAKE_GH, encoding="utf-8")
    (bin_dir / "gh").chmod(0o755)
    posted, log = tmp_path / "posted", tmp_path / "log"
    posted.write_text("1 101\n2 102\n9 109\n", encoding="utf-8")
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "GH_LOG": str(log),
        "GH_POSTED": str(posted),
        "REPO": "acme/status",
        "PR": "7",
    }
    subprocess.run(["bash", "-c", _post_step(workflow)], cwd=repo, env=env, check=True, capture_output=True)
    calls = [call.strip() for call in log.read_text(encoding="utf-8").splitlines()]
    assert calls[0].startswith("api --paginate repos/acme/status/issues/7/comments --jq")
    expected = [
        "api --method PATCH repos/acme/status/issues/comments/101 -F body=@review/review-1.md",
        "api --method PATCH repos/acme/status/issues/comments/102 -F body=@review/review-2.md",
        *(
            f"api --method POST repos/acme/status/issues/7/comments -F body=@review/review-{n}.md"
            for n in range(3, len(parts) + 1)
        ),
        "api --method DELETE repos/acme/status/issues/comments/109",
    ]
    assert calls[1:] == expected
    # The listing keeps only this workflow's own comments that open with a part marker, by part number.
    script = _post_step(workflow)
    assert 'select(.user.login == "github-actions[bot]")' in script and "<!-- crisiskit-digest part" in script
    if shutil.which("jq"):  # what gh's --jq does with the filter, on comments of several kinds
        jq_filter = script.split("--jq '", 1)[1].split("' > posted.txt", 1)[0]
        comments = [
            {"id": 101, "user": {"login": "github-actions[bot]"}, "body": "<!-- crisiskit-digest part 1 -->\n# a"},
            {"id": 5, "user": {"login": "mallory"}, "body": "<!-- crisiskit-digest part 2 -->\n# forged"},
            {"id": 6, "user": {"login": "github-actions[bot]"}, "body": "another bot comment"},
            {"id": 109, "user": {"login": "github-actions[bot]"}, "body": "<!-- crisiskit-digest part 9 -->\n# c"},
        ]
        listed = subprocess.run(
            ["jq", "-r", jq_filter], input=json.dumps(comments), capture_output=True, text=True, check=True
        )
        assert listed.stdout == "1 101\n9 109\n"
    for number, part in enumerate(parts, 1):
        assert part.read_text(encoding="utf-8").startswith(f"<!-- crisiskit-digest part {number} -->\n# ")


def _fences_closed(text: str) -> bool:
    """Every code fence markdown-it finds in ``text`` is closed before the document ends."""
    from markdown_it import MarkdownIt

    lines = text.splitlines()
    for token in MarkdownIt("commonmark").parse(text):
        if token.type == "fence" and token.map is not None:
            last = lines[token.map[1] - 1].lstrip("> ").strip()
            if token.map[1] - 1 == token.map[0] or not last.startswith(token.markup):
                return False
    return True


def test_a_long_digest_is_split_into_complete_parts_each_under_60000_characters(repo: Path) -> None:
    fenced = "\n".join(["      acknowledgement:", "        en: |-", "          Look:", "          ```", "          x"])
    _change(repo, ("reports_received: 12", "reports_received: 14"), append="".join(_revision(n) for n in range(3, 9)))
    kit = repo / "kits/outage.yml"  # a kit text with a code fence in it, which the digest must show as typed
    text = kit.read_text(encoding="utf-8")
    at = text.index("      acknowledgement:\n        en: Revision 5.")
    end = text.index("        zh-Hant:", at)
    kit.write_text(text[:at] + fenced + "\n" + text[end:], encoding="utf-8")
    git(repo, "commit", "-qam", "a fence")
    result = invoke(repo, "review", "--base", "HEAD~2", "--at", AT, "--parts", "out")
    assert result.returncode == 0, result.stderr
    parts = [(repo / line).read_text(encoding="utf-8") for line in result.stdout.split()]
    full = invoke(repo, "review", "--base", "HEAD~2", "--at", AT, "--output", "full.md")
    full_text = (repo / "full.md").read_text(encoding="utf-8")
    assert _size(full_text) > 2 * 60_000 and len(parts) >= 3, "the fixture must need three parts"
    assert full.returncode == 0
    total = len(parts)
    for number, part in enumerate(parts, 1):
        assert _size(part) < 60_000
        assert part.startswith(
            f"<!-- crisiskit-digest part {number} -->\n"
            f"# crisiskit review (against `HEAD~2`): part {number} of {total}\n"
        )
        assert _fences_closed(part), f"part {number} leaves a code fence open"
        assert not part.rstrip().rsplit("\n\n", 1)[-1].startswith("#"), "a part ends with a heading"
        import markdown

        html = markdown.markdown(part)
        assert html.count("<h1>") == 1
    # The summary first, whole, in part 1; every block of the full digest is in exactly one part, in order.
    assert "## Summary" in parts[0] and "- fact reports_received 12 -> 14 changes: " in parts[0]
    assert "## Detail" not in parts[0].split("## Findings")[0]
    assert "> \\```" in "".join(parts)  # the kit's fence, escaped: shown as typed, opening no code block
    body = [p.split("\n", 2)[2] for p in parts]
    kept = [b for part in body for b in part.strip("\n").split("\n\n") if not b.endswith(" (continued)")]
    assert kept == full_text.strip("\n").split("\n\n")[1:]
    # A part that begins inside an incident's detail repeats where it is.
    assert any(p.split("\n", 3)[3].startswith("## Detail (continued)") for p in parts[1:])


def test_a_block_longer_than_a_part_is_cut_between_lines_and_a_fence_reopened() -> None:
    from crisiskit.review.comment import Block, Digest

    code = "\n".join(["> ```", *(f"> line {i:04d} " + "x" * 60 for i in range(400)), "> ```"])
    digest = Digest(
        "# crisiskit review",
        [Block("## Summary"), Block("- one")],
        [Block("## Findings from `crisiskit check`"), Block("None.")],
        [Block("## Detail"), Block("### Outage"), Block("#### Revision 2"), Block(code), Block("after")],
    )
    parts = digest.parts(limit=10_000)
    assert len(parts) == 3  # the block in pieces of half a part, two to a part
    for number, part in enumerate(parts, 1):
        assert _size(part) < 10_000 and _fences_closed(part), number
        assert part.startswith(f"<!-- crisiskit-digest part {number} -->\n# crisiskit review: part {number} of ")
    lines = [x for p in parts for x in p.splitlines() if x.startswith("> line ")]
    assert lines == [f"> line {i:04d} " + "x" * 60 for i in range(400)]
    assert "## Detail (continued)\n\n### Outage (continued)\n\n#### Revision 2 (continued)\n\n> ```\n> line" in parts[2]
    assert parts[-1].rstrip().endswith("after")
    assert digest.parts() == [f"<!-- crisiskit-digest part 1 -->\n{digest.full()}"]


def test_replacing_and_removing_a_scenario_item_is_in_the_summary(tmp_path: Path) -> None:
    project = committed_copy(TESTDATA / "test_resolve" / "lifecycle", tmp_path / "site")
    kit = project / "kits/newsletter.yml"
    text = kit.read_text(encoding="utf-8")
    kit.write_text(text.replace("  internal_qa: [fined]\n", "  internal_qa: [fined]\n  faq: [what-was-seen]\n"))
    git(project, "commit", "-qam", "drop a scenario FAQ entry")
    summary = invoke(project, "review", "--base", "HEAD~1", "--at", AT).stdout.split("## Findings")[0]
    assert "- FAQ entry `what-was-seen` of scenario mis-sent-email removed (remove:)\n" in summary
    assert "Frequently asked questions (en, zh-Hant)" in summary  # the FAQ text every revision carries
    kit.write_text(text.replace("remove:\n  internal_qa: [fined]\n", ""))
    git(project, "commit", "-qam", "keep the scenario's Q&A entry after all")
    summary = invoke(project, "review", "--base", "HEAD~1", "--at", AT).stdout.split("## Findings")[0]
    assert "- Q&A entry `fined` of scenario mis-sent-email no longer removed: the scenario's entry is back" in summary
    assert "- FAQ entry `what-was-seen` of scenario mis-sent-email no longer removed" in summary
    first = committed_copy(TESTDATA / "test_resolve" / "lifecycle", tmp_path / "first")
    (first / "kits/newsletter.yml").write_text(text.replace("id: newsletter", "id: newsletter # unchanged"))
    git(first, "commit", "-qam", "a comment only")
    assert "replaced" not in invoke(first, "review", "--base", "HEAD~1", "--at", AT).stdout


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
