"""`check` from nothing judges its kits in batches, the first here and the rest in two forked workers
(pipeline._each_judged): the findings, the entries it remembers and the problems of a broken kit are
exactly those of judging every kit in one process.

The fixture has four kits; one kit a batch makes four batches, so the worker path runs as it does for
an archive of hundreds.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from pathlib import Path

import pytest

from crisiskit import pipeline
from crisiskit.errors import KitError
from crisiskit.pipeline import check
from sites import cache_entries, copy_project, set_cache_entry

AFRESH = re.compile(r"check: (\d+) of (\d+) kit\(s\) judged afresh")
MOMENTS = ("2026-11-20T10:00:00+08:00", "2026-11-22T12:00:00+08:00", "2026-12-02T12:00:00+08:00")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    project = copy_project(tmp_path / "project")
    monkeypatch.chdir(project)
    monkeypatch.setattr(pipeline, "COMPOSE_BATCH", 1)
    return project


def afresh(caplog: pytest.LogCaptureFixture) -> list[int]:
    return [int(m.group(1)) for r in caplog.records for m in [AFRESH.search(r.getMessage())] if m]


def test_kits_judged_by_workers_give_the_findings_of_one_process(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="crisiskit.pipeline")
    kit = project / "kits" / "delivery-delay.yml"
    text = kit.read_text(encoding="utf-8")
    edited = text.replace(  # a number typed in instead of a fact (CK201), so there are findings to compare
        "        en: Orders placed between", "        en: About 4,200 parcels were late. Orders placed between", 1
    )
    assert edited != text
    kit.write_text(edited, encoding="utf-8")
    found = []
    for text in MOMENTS:
        at = datetime.fromisoformat(text)
        for shown in cache_entries(project, "check") if (project / "build" / "cache").is_dir() else ():
            set_cache_entry(project, "check", shown, None)
        caplog.clear()
        expected = check([Path("kits")], at, cache=False)
        assert check([Path("kits")], at) == expected, text  # from nothing: four batches, three of them forked
        assert afresh(caplog) == [4]
        assert len(cache_entries(project, "check")) == 4  # each worker stored its own
        caplog.clear()
        assert check([Path("kits")], at) == expected  # and what they stored is what is remembered
        assert afresh(caplog) == [0]
        found += expected[1]
    assert found, "the moments tried give findings to compare"


def test_a_broken_kit_is_reported_as_one_process_reports_it(project: Path) -> None:
    kit = project / "kits" / "payment-outage.yml"
    kit.write_text(kit.read_text(encoding="utf-8").replace("status: ", "status: fixed-", 1), encoding="utf-8")
    at = datetime.fromisoformat(MOMENTS[-1])
    with pytest.raises(KitError) as fresh:
        check([Path("kits")], at, cache=False)
    with pytest.raises(KitError) as batched:
        check([Path("kits")], at)
    assert batched.value.problems == fresh.value.problems
