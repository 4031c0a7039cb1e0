"""Bad input to a season request: each a clear error naming the field (DESIGN §5)."""

import json
import subprocess
import sys

import pytest

from dramagen.core.errors import InputError, UnknownTropeError
from dramagen.project.pipeline import make_request, open_season, pins_from_file, resolve_trope


@pytest.mark.parametrize(
    "kw,field,accepted",
    [
        ({"episodes": 9}, "episodes", "from 10 to 100"),
        ({"episodes": 101}, "episodes", "from 10 to 100"),
        ({"length": 59}, "length", "from 60 to 90"),
        ({"length": 91}, "length", "from 60 to 90"),
        ({"episodes": 20, "paywall": 21}, "paywall", "1 to the number of episodes"),
        ({"paywall": 0}, "paywall", "1 to the number of episodes"),
        ({"seed": -1}, "seed", "2**32"),
        ({"candidates": 0}, "candidates", "1 to 32"),
    ],
)
def test_out_of_range_request(kw, field, accepted):
    with pytest.raises(InputError) as e:
        make_request(trope="werewolf-rejected-mate", **kw)
    assert e.value.field == field and accepted in str(e.value)


def test_unknown_trope_suggests_closest():
    with pytest.raises(UnknownTropeError) as e:
        resolve_trope(make_request(trope="werewolf-mate"))
    assert "werewolf-rejected-mate" in e.value.suggestions


@pytest.mark.parametrize("text", ["", "   ", "x" * 10_000])
def test_bad_custom_trope(text):
    with pytest.raises(InputError) as e:
        resolve_trope(make_request(trope=text or " ", custom_trope=True))
    assert e.value.field == "trope"


def test_custom_trope_works():
    t = resolve_trope(make_request(trope="A chef inherits a haunted restaurant and a ghost rival", custom_trope=True))
    assert t.signature_beats and t.roles


def test_duplicate_pinned_characters(tmp_path):
    p = tmp_path / "pins.json"
    p.write_text(json.dumps({"characters": [
        {"name": "Mara", "age": 24, "role": "lead"}, {"name": "Mara", "age": 30, "role": "rival"}]}))
    with pytest.raises(InputError) as e:
        pins_from_file(p)
    assert "duplicate" in str(e.value) and "Mara".lower() in str(e.value).lower()


def test_existing_season_needs_resume_and_same_request(tmp_path):
    req = make_request(trope="hidden-heir", episodes=12, seed=1)
    made = open_season(tmp_path / "s", req, resume=False)
    assert made.created is not None and made.model_copy(update={"created": None}) == req  # dated when made
    with pytest.raises(InputError, match="--resume"):
        open_season(tmp_path / "s", req, resume=False)
    with pytest.raises(InputError) as e:
        open_season(tmp_path / "s", make_request(trope="hidden-heir", episodes=12, seed=2), resume=True)
    assert e.value.field == "seed"
    assert open_season(tmp_path / "s", None, resume=True) == made
    assert open_season(tmp_path / "s", req, resume=True) == made  # the request without a date: the same season


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--trope", "werewolf", "--episodes", "10"], "did you mean: werewolf-rejected-mate"),
        (["--trope", "hidden-heir", "--episodes", "101"], "episodes"),
        (["--trope", "hidden-heir", "--length", "91"], "length"),
        (["--trope", "hidden-heir", "--episodes", "12", "--paywall", "13"], "paywall"),
        (["--custom", ""], "trope"),
        (["--trope", "hidden-heir", "--stop-after", "scenes"], "stop-after"),
    ],
)
def test_cli_bad_input_one_line_exit_2(tmp_path, args, needle):
    r = subprocess.run([sys.executable, "-m", "dramagen", "generate", *args, "--out", str(tmp_path / "s")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stderr
    assert needle in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "s").exists()
