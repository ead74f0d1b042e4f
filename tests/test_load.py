"""The load stage: YAML 1.2 as written, with 1-based positions for every key and value."""

from __future__ import annotations

from pathlib import Path

from crisiskit.load import load_file, load_kits


def _load(tmp_path: Path, text: str):
    path = tmp_path / "kit.yml"
    path.write_text(text, encoding="utf-8")
    return load_file(path, "incident")


def test_yaml_1_2_keeps_no_and_times_as_written(tmp_path: Path) -> None:
    loaded = _load(tmp_path, "answer: NO\nat: 12:30\nwhen: 2026-11-20T09:14:00+08:00\nday: 2026-11-20\nyes: on\n")
    assert loaded.data == {"answer": "NO", "at": "12:30", "when": "2026-11-20T09:14:00+08:00", "day": "2026-11-20",
                           "yes": "on"}


def test_positions_are_one_based_for_keys_and_values(tmp_path: Path) -> None:
    loaded = _load(tmp_path, "id: x\nupdates:\n  - revision: 1\n    status: fixed\n")
    assert loaded.positions.values[("id",)] == (1, 5)
    assert loaded.positions.keys[("updates", 0, "status")] == (4, 5)
    assert loaded.positions.values[("updates", 0, "status")] == (4, 13)
    assert loaded.positions.locate(("updates", 0, "missing", "deeper")) == (3, 5)


def test_a_bad_file_does_not_stop_the_others_loading(tmp_path: Path) -> None:
    (tmp_path / "good.yml").write_text("id: good\n", encoding="utf-8")
    (tmp_path / "bad.yml").write_text("id: [bad\n", encoding="utf-8")
    loaded = load_kits([tmp_path])
    assert [f.path.name for f in loaded.files] == ["good.yml"]
    assert len(loaded.problems) == 1 and loaded.problems[0].file.endswith("bad.yml")


def test_scenarios_beside_an_incident_file_are_found(tmp_path: Path) -> None:
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "s.yml").write_text("scenario: s\n", encoding="utf-8")
    (tmp_path / "a.yml").write_text("id: a\n", encoding="utf-8")
    loaded = load_kits([tmp_path / "a.yml"])
    assert sorted((f.path.name, f.kind) for f in loaded.files) == [("a.yml", "incident"), ("s.yml", "scenario")]
