"""The load stage: YAML 1.2 as written, with 1-based positions for every key and value."""

from __future__ import annotations

from pathlib import Path

from crisiskit.model.load import load_file, load_kits


def _load(tmp_path: Path, text: str):
    path = tmp_path / "kit.yml"
    path.write_text(text, encoding="utf-8")
    return load_file(path, "incident")


def test_yaml_1_2_keeps_no_and_times_as_written(tmp_path: Path) -> None:
    loaded = _load(tmp_path, "answer: NO\nat: 12:30\nwhen: 2026-11-20T09:14:00+08:00\nday: 2026-11-20\nyes: on\n")
    assert loaded.data == {
        "answer": "NO",
        "at": "12:30",
        "when": "2026-11-20T09:14:00+08:00",
        "day": "2026-11-20",
        "yes": "on",
    }


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


def test_every_key_is_text_as_written(tmp_path: Path) -> None:
    loaded = _load(tmp_path, "1: one\nnull: nothing\nfalse: off\n")
    assert loaded.data == {"1": "one", "null": "nothing", "false": "off"}
    assert loaded.positions.keys[("null",)] == (2, 1)


def test_a_duplicate_key_names_its_path_and_the_first_in_the_same_mapping(tmp_path: Path) -> None:
    problem = _load(
        tmp_path,
        "id: x\nupdates:\n  - revision: 1\n    status: identified\n"
        "  - revision: 2\n    status: monitoring\n    status: resolved\n",
    )
    assert str(problem) == (
        f"{problem.file}:7:5 updates[1].status: expected each key once in a mapping; "
        'got "status" again (first at line 6)'
    )


def test_a_non_utf8_byte_is_located_in_characters_not_bytes(tmp_path: Path) -> None:
    path = tmp_path / "kit.yml"
    path.write_bytes("title: 網站 caf".encode() + b"\xe9\n")
    problem = load_file(path, "incident")
    assert (problem.line, problem.column) == (1, 14)
    assert "0xe9" in problem.message


def test_a_missing_path_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    loaded = load_kits([tmp_path / "kits"])
    assert loaded.files == []
    assert [p.message.split(";")[0] for p in loaded.problems] == ["expected a kit file or a folder of kits"]


def test_a_file_read_again_is_parsed_once_and_each_reader_gets_its_own_data(tmp_path: Path) -> None:
    """load_file remembers the parse of unchanged bytes (serve reloads on every change); a caller that
    changes its data changes nobody else's, and changed bytes are parsed anew."""
    from crisiskit.model.load import _parse

    path = tmp_path / "kit.yml"
    path.write_text("id: a\nfacts: {n: {value: 1}}\n", encoding="utf-8")
    first = load_file(path, "incident")
    hits = _parse.cache_info().hits
    second = load_file(path, "incident")
    assert _parse.cache_info().hits == hits + 1
    first.data["facts"]["n"]["value"] = 99
    first.data["id"] = "changed"
    assert second.data == load_file(path, "incident").data == {"id": "a", "facts": {"n": {"value": 1}}}
    path.write_text("id: b\n", encoding="utf-8")
    assert load_file(path, "incident").data == {"id": "b"}
