"""Golden exports: one small fixed season's Fountain, FDX and shot-list CSV files, compared byte for byte.

The season (werewolf-rejected-mate, 10 episodes, seed 7, made on 2024-03-05) is written with the stand-in
model (tests/stand_in.py, one call's lines depend on its seed and prompts only) through the shooting stage,
then ``export_season`` writes episodes 1-3 as ``fountain,fdx,csv`` (each episode's screenplay, Final Draft
file and shot list, and the season's ``shotlist.csv``). Every file must equal the one under ``tests/golden/``:
a refactor that moves code must not change a byte of what the pipeline writes (issue 19). A difference fails
with a unified diff of the file.

When a change of output is intended, rewrite the files and commit them with the change that explains them::

    .venv/bin/python -m pytest tests/test_golden.py --update-golden

(``--update-golden`` is defined in tests/conftest.py; without it the test only compares.)
"""

from __future__ import annotations

import datetime
import difflib
from pathlib import Path

import pytest

from dramagen.project.pipeline import generate_season, make_request
from dramagen.screen.export import export_season

from .stand_in import make

GOLDEN = Path(__file__).parent / "golden"
REQUEST = dict(trope="werewolf-rejected-mate", episodes=10, seed=7, candidates=1, created=datetime.date(2024, 3, 5))
FORMATS = "fountain,fdx,csv"
EPISODES = (1, 2, 3)
MAX_DIFF_LINES = 120


def _files(root: Path) -> dict[str, bytes]:
    """{relative path: bytes} of the files under ``root`` (not tests/golden/.gitattributes: no CRLF conversion)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}


@pytest.fixture(scope="module")
def exports(tmp_path_factory, request) -> dict[str, bytes]:
    """The working tree's exports of the fixed season ({relative path: bytes}); with ``--update-golden`` they
    replace tests/golden/ (stale files removed) before the tests compare."""
    tmp = tmp_path_factory.mktemp("golden")
    generate_season(make_request(**REQUEST), tmp / "season", generator=make(per_call=True), stop_after="shooting")
    export_season(tmp / "season", FORMATS, tmp / "exports", episodes=EPISODES)
    made = _files(tmp / "exports")
    if request.config.getoption("--update-golden"):
        for stale in set(_files(GOLDEN)) - set(made):
            (GOLDEN / stale).unlink()
        for rel, data in made.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    return made


def _diff(rel: str, want: bytes, got: bytes) -> str:
    lines = list(difflib.unified_diff(want.decode("utf-8", "replace").splitlines(keepends=True),
                                      got.decode("utf-8", "replace").splitlines(keepends=True),
                                      fromfile=f"tests/golden/{rel}", tofile=f"working tree: {rel}"))
    if not lines:  # the same text: line endings or bytes that do not decode differ
        return f"{rel}: same text, different bytes ({len(want)} golden, {len(got)} now)"
    cut = f"… {len(lines) - MAX_DIFF_LINES} more diff lines\n" if len(lines) > MAX_DIFF_LINES else ""
    return "".join(lines[:MAX_DIFF_LINES]) + cut


def test_the_export_writes_the_golden_file_names(exports):
    golden = sorted(_files(GOLDEN))
    assert golden, "tests/golden/ is empty: run pytest tests/test_golden.py --update-golden"
    assert sorted(exports) == golden
    assert {rel.rsplit(".", 1)[1] for rel in golden} == {"fountain", "fdx", "csv"}


@pytest.mark.parametrize("rel", sorted(_files(GOLDEN)) or ["(no golden files)"])
def test_each_export_is_byte_identical_to_its_golden_file(exports, rel, request):
    if rel not in exports and request.config.getoption("--update-golden"):
        pytest.skip(f"{rel}: no longer written, removed by --update-golden")
    want = (GOLDEN / rel).read_bytes() if (GOLDEN / rel).is_file() else b""
    got = exports.get(rel)
    if got is None:
        pytest.fail(f"the export no longer writes {rel}", pytrace=False)
    if got != want:
        pytest.fail(f"{rel} differs from its golden file (--update-golden if intended):\n{_diff(rel, want, got)}",
                    pytrace=False)
