"""Batch request files: parsing, row errors with row numbers, refusals before any work."""

import json

import pytest

from dramagen.core.errors import InputError, UnknownModelError
from dramagen.project.batch import load_requests, preflight


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_yaml_jsonl_csv_give_the_same_requests(tmp_path):
    y = write(tmp_path, "r.yaml", """
- {trope: hidden-heir, episodes: 12, seed: 3, formats: [pdf, csv]}
- {custom: "A chef inherits a haunted restaurant", episodes: 10, paywall: 5, name: chef}
""")
    j = write(tmp_path, "r.jsonl", json.dumps({"trope": "hidden-heir", "episodes": 12, "seed": 3,
                                                "formats": ["pdf", "csv"]}) + "\n\n"
              + json.dumps({"custom": "A chef inherits a haunted restaurant", "episodes": 10, "paywall": 5,
                            "name": "chef"}) + "\n")
    c = write(tmp_path, "r.csv", "trope,custom,episodes,paywall,seed,formats,name\n"
              "hidden-heir,,12,,3,pdf;csv,\n,A chef inherits a haunted restaurant,10,5,,,chef\n")
    results = [load_requests(p) for p in (y, j, c)]
    for rows, errors in results:
        assert errors == []
        assert [r.name for r in rows] == ["001-hidden-heir-s3", "chef"]
        assert rows[0].request.episodes == 12 and rows[0].formats == ["pdf", "csv"]
        assert rows[1].request.custom_trope and rows[1].request.paywall == 5
    assert results[0][0][0].request == results[1][0][0].request == results[2][0][0].request


def test_malformed_rows_are_reported_with_row_numbers(tmp_path):
    p = write(tmp_path, "r.jsonl", "\n".join([
        json.dumps({"trope": "hidden-heir", "episodes": 10}),
        "{not json",
        json.dumps({"trope": "hidden-heir", "episodes": 500}),
        json.dumps({"trope": "no-such-trope"}),
        json.dumps({"trope": "hidden-heir", "colour": "red"}),
        json.dumps({"trope": "amnesia", "episodes": 10, "paywall": 11}),
        json.dumps({"trope": "amnesia", "episodes": 10}),
    ]))
    rows, errors = load_requests(p)
    assert [r.row for r in rows] == [1, 7]
    by_row = {e.row: e.message for e in errors}
    assert set(by_row) == {2, 3, 4, 5, 6}
    assert "not JSON" in by_row[2]
    assert "episodes" in by_row[3] and "10 to 100" in by_row[3]
    assert "did you mean" in by_row[4]
    assert "colour" in by_row[5]
    assert "paywall" in by_row[6]


def test_duplicate_output_folders_refused(tmp_path):
    p = write(tmp_path, "r.yaml",
              "- {trope: amnesia, episodes: 10, name: a}\n- {trope: twin-swap, episodes: 10, name: a}\n")
    rows, _ = load_requests(p)
    with pytest.raises(InputError) as e:
        preflight(rows, tmp_path / "out")
    assert e.value.field == "name" and "rows 1 and 2" in str(e.value)


def test_unwritable_dir_refused(tmp_path):
    rows, _ = load_requests(write(tmp_path, "r.yaml", "- {trope: amnesia, episodes: 10}\n"))
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(InputError) as e:
        preflight(rows, blocker / "out")
    assert e.value.field == "out" and "writable" in str(e.value)


def test_unknown_model_refused_before_work(tmp_path):
    rows, _ = load_requests(write(tmp_path, "r.yaml", "- {trope: amnesia, episodes: 10, model: gpt-99}\n"))
    out = tmp_path / "out"
    with pytest.raises(UnknownModelError):
        preflight(rows, out)
    assert not any(p.name != ".write-test" for p in out.glob("*/"))
