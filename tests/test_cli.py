"""The command line's contract: exit 0 success, 1 problems in the input, 2 wrong usage."""

from __future__ import annotations

import json

from crisiskit import __version__

from sites import PROJECT, run_crisiskit


def test_version() -> None:
    result = run_crisiskit(PROJECT, "--version")
    assert result.returncode == 0 and __version__ in result.stdout


def test_samples_check_clean() -> None:
    from sites import AFTER_EMBARGO, BEFORE_EMBARGO

    for at in (BEFORE_EMBARGO, AFTER_EMBARGO):
        result = run_crisiskit(PROJECT, "check", "--strict", "--at", at, "kits")
        assert (result.returncode, result.stderr) == (0, ""), result.stderr
        assert result.stdout.strip() == "4 incident(s) checked: no findings"
        annotations = run_crisiskit(PROJECT, "check", "--strict", "--format", "json", "--at", at)
        assert (annotations.returncode, json.loads(annotations.stdout)) == (0, [])


def test_unknown_option_is_usage_error() -> None:
    result = run_crisiskit(PROJECT, "check", "--bogus")
    assert result.returncode == 2 and "No such option" in result.stderr


def test_missing_path_is_usage_error() -> None:
    result = run_crisiskit(PROJECT, "check", "kits/nope.yml")
    assert result.returncode == 2 and "does not exist" in result.stderr


def test_build_rejects_a_time_without_timezone() -> None:
    result = run_crisiskit(PROJECT, "build", "--at", "2026-11-20 09:00")
    assert result.returncode == 2 and "timezone" in result.stderr


def test_measure_prints_json() -> None:
    result = run_crisiskit(PROJECT, "measure", "--channel", "sms", "你好")
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"channel": "sms", "count": 2, "limit": 70, "unit": "ucs2_units", "fits": True,
                                         "encoding": "ucs2", "parts": 1, "max_parts": 3}


def test_measure_unknown_channel_is_usage_error() -> None:
    result = run_crisiskit(PROJECT, "measure", "--channel", "fax", "hi")
    assert result.returncode == 2 and "x, threads" in result.stderr
