import os
import socket

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

import pytest  # noqa: E402
from hypothesis import HealthCheck  # noqa: E402
from hypothesis import settings as _hypothesis_settings  # noqa: E402

# Hypothesis profiles. `ci` (the default: CI, `make test`, a bare `pytest`) gives the same commit the same
# result: the seed is fixed (pyproject's addopts pass --hypothesis-seed=0; `--hypothesis-seed=N` on the command
# line overrides it), no example database (a failure found once is not replayed later), no deadline and no
# timing health check (a busy machine must not fail a test). `soak` (make soak) draws 20x the examples, and
# make soak also runs every hypothesis test of the default suite with several other seeds (SOAK_SEEDS).
_CI = dict(database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True)
_hypothesis_settings.register_profile("ci", **_CI)
_hypothesis_settings.register_profile("soak", max_examples=2000, **_CI)
HYPOTHESIS_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
_hypothesis_settings.load_profile(HYPOTHESIS_PROFILE)


def _hypothesis_line(config) -> str:
    seed = config.getoption("hypothesis_seed", None)
    current, name = _hypothesis_settings.default, _hypothesis_settings.get_current_profile_name()
    return (f"dramagen: hypothesis profile {name!r}, seed {seed if seed is not None else 'random'}, "
            f"max_examples {current.max_examples}, database {'off' if current.database is None else 'on'} "
            f"(the same run: HYPOTHESIS_PROFILE={name} pytest --hypothesis-seed={seed})")


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/ from the working tree's exports instead of comparing "
                          "(tests/test_golden.py)")


def pytest_report_header(config):
    """The hypothesis profile and seed, first thing in the log (a failure is replayed with the same seed)."""
    return [_hypothesis_line(config)]


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session):
    """The same line under ``-q`` (which hides the header): `make test` and CI logs show it too."""
    tr = session.config.pluginmanager.get_plugin("terminalreporter")
    if tr is not None and tr.verbosity < 0:
        tr.write_line(_hypothesis_line(session.config))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def generator():
    """The real default model (loaded once per test session)."""
    from dramagen.llm import load_generator, resolve

    spec = resolve(None)
    if not spec.is_fetched():
        pytest.fail(f"default model not fetched: run `dramagen models pull {spec.name}` (make test does)")
    return load_generator()


def wait_for_http(url: str, timeout: float = 120) -> bool:
    """Poll ``url`` until it answers 200 (a server a test started); False on timeout."""
    import time

    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            time.sleep(0.5)
    return False


# -- shared fixtures (issue 19): the model stand-ins (tests/stand_in.py) and hand-made data (tests/handmade.py) --


@pytest.fixture
def stub_generator():
    """The stand-in model: short plausible lines from the prompt, deterministic from the seed (tests/stand_in.py)."""
    from .stand_in import StubGenerator

    return StubGenerator()


@pytest.fixture
def scripted_generator():
    """Makes a generator that answers what the test scripted: ``scripted_generator(["a", "b"])`` gives those texts in
    order; a dict ``{prompt: [texts]}`` or a function ``(prompt, seed) -> [texts]`` answers per prompt
    (tests/stand_in.py's ScriptedGenerator; it records its calls)."""
    from .stand_in import ScriptedGenerator

    return ScriptedGenerator


@pytest.fixture
def bible():
    """A hand-made bible: "Moonlit Debt", Mara, Kai, Selene and Rowan in the pack hall, the forest and Mara's cabin."""
    from .handmade import pack_bible

    return pack_bible()


@pytest.fixture
def season_dir(tmp_path):
    """A SeasonDir (tmp_path/season) with request.json (created 2025-01-01), bible.json and a 10-episode plan.json
    (tests/handmade.py: "The Alpha's Rejected Mate"); no episode written yet."""
    from .handmade import write_season

    return write_season(tmp_path / "season")
