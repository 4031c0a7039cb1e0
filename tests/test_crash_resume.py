"""SIGKILL `dramagen batch` and `dramagen generate` mid-season, resume, and get the bytes of an
uninterrupted run: no episode lost, none duplicated, no temporary file left behind.

The commands run as real subprocesses (the CLI, and for ``--workers 2`` its spawn workers) in
their own process group, which is killed whole with SIGKILL. The stand-in model (tests/stand_in.py)
is loaded by name through a test registry, with ``DRAMAGEN_STUB_PER_CALL=1`` (each call's lines
depend on its seed and prompts only, as with a real seeded model) and a per-run delay file that
slows each ``generate`` call so that kills land mid-season.

What may differ between an interrupted and an uninterrupted run, and only that: ``events.jsonl``
(a log with times and pids, one line per event of every attempt), and in each ``manifest.json``
the wall times: ``seconds`` and, with the real model, ``model.load_seconds``. Every other file,
exports included, must be byte-identical. (Exports carry the season's creation date as draft
date; every run here is dated by SOURCE_DATE_EPOCH, so a run that crosses midnight stays identical.)

Kills survived are printed (``-s``) and written to ``tests/.cache/crash-resume-kills.json``.
Random kill points come from ``random.Random(DRAMAGEN_CRASH_SEED)`` (default 20261125; the seed is
printed); ``soak`` runs more of them (``DRAMAGEN_SOAK_KILLS``, default 40 per command; marked
``slow`` too, so that the default suite, ``-m "not slow"``, leaves it out).
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.stand_in import write_registry

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "tests" / ".cache" / "crash-resume-kills.json"
SEED = int(os.environ.get("DRAMAGEN_CRASH_SEED", "20261125"))
EPISODES = 10
STUB_DELAY = 0.03  # seconds per generate call while a run may be killed (25 calls a season)

BATCH_YAML = f"""\
- {{name: heir, trope: hidden-heir, episodes: {EPISODES}, seed: 3, model: stub, candidates: 2,
   formats: [fountain, json, csv]}}
- {{name: wolf, trope: werewolf-rejected-mate, episodes: {EPISODES}, seed: 5, paywall: 6, model: stub,
   candidates: 2, formats: [fountain, html]}}
"""
GENERATE_ARGS = ["generate", "--trope", "billionaire-revenge", "--episodes", str(EPISODES), "--seed", "7",
                 "--model", "stub", "--candidates", "2"]


# -- helpers -----------------------------------------------------------------------------------------
def _env(tmp: Path, delay_file: Path | None = None, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"DRAMAGEN_REGISTRY": str(write_registry(tmp / "registry.yaml")),
                "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
                "DRAMAGEN_STUB_PER_CALL": "1", "DRAMAGEN_THREADS": "1", "OMP_NUM_THREADS": "1",
                "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False", "COLUMNS": "120",
                "SOURCE_DATE_EPOCH": "1764547200"})  # every season made here is dated 2025-12-01
    if delay_file is not None:
        env["DRAMAGEN_STUB_DELAY_FILE"] = str(delay_file)
    env.update(extra)
    return env


def _start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    """``python -m dramagen ARGS`` in a new session (its own process group), output to ``log``."""
    with open(log, "ab") as f:
        return subprocess.Popen([sys.executable, "-m", "dramagen", *args], env=env, cwd=ROOT, stdout=f,
                                stderr=subprocess.STDOUT, start_new_session=True)


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the command and everything it started (spawn workers, the multiprocessing manager)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)
    deadline = time.monotonic() + 10
    while _group_alive(proc.pid):  # the group's other members are gone too
        assert time.monotonic() < deadline, f"process group {proc.pid} survived SIGKILL"
        time.sleep(0.05)


def _group_alive(pgid: int) -> bool:
    """Whether a process of group ``pgid`` still runs (zombies nobody has reaped yet do not count)."""
    if not Path("/proc/self/stat").exists():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_bytes().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != b"Z":
            return True
    return False


def _run(args: list[str], env: dict, log: Path, timeout: float = 180) -> None:
    proc = _start(args, env, log)
    try:
        rc = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise
    assert rc == 0, f"dramagen {' '.join(args)} exited {rc}:\n{log.read_text()[-3000:]}"


def _season_dirs(root: Path) -> list[Path]:
    return sorted(p.parent for p in root.rglob("request.json"))


def _done(season: Path, stage: str = "shooting") -> list[int]:
    return sorted(int(p.parent.name[2:]) for p in season.glob(f"episodes/ep[0-9][0-9][0-9]/{stage}.json"))


def _snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` but the legitimately different: events.jsonl, manifest ``seconds``."""
    out = {}
    for p in sorted(root.rglob("*")):
        if not p.is_file():
            continue
        rel = p.relative_to(root).as_posix()
        if p.name == "events.jsonl":
            continue
        data = p.read_bytes()
        if p.name == "manifest.json":
            m = json.loads(data)
            m.pop("seconds", None)
            m.get("model", {}).pop("load_seconds", None)  # the real model's load time
            data = json.dumps(m, indent=2, sort_keys=True).encode()
        out[rel] = data
    return out


def _assert_identical(ref: Path, got: Path) -> int:
    a, b = _snapshot(ref), _snapshot(got)
    missing, extra = sorted(set(a) - set(b)), sorted(set(b) - set(a))
    assert not missing and not extra, f"files missing after resume: {missing[:20]}; extra files: {extra[:20]}"
    differ = [k for k in a if a[k] != b[k]]
    if differ:
        import difflib

        k = differ[0]
        diff = "".join(difflib.unified_diff(a[k].decode(errors="replace").splitlines(True),
                                            b[k].decode(errors="replace").splitlines(True), "uninterrupted", "resumed"))
        raise AssertionError(f"{len(differ)} files differ from the uninterrupted run: {differ[:20]}\n{diff[:4000]}")
    return len(a)


def _assert_clean_and_complete(root: Path, n_seasons: int) -> None:
    leftovers = [p for p in root.rglob("*") if p.name.startswith(".") and p.is_file()]
    assert not leftovers, f"temporary files left behind: {leftovers}"
    seasons = _season_dirs(root)
    assert len(seasons) == n_seasons
    from dramagen.story.check import check_dir

    for s in seasons:
        eps = sorted(p.name for p in (s / "episodes").iterdir())
        assert eps == [f"ep{n:03d}" for n in range(1, EPISODES + 1)], f"{s.name}: episodes {eps}"
        for e in eps:  # each episode once: one file per stage, one title's files per export format
            names = sorted(p.name for p in (s / "episodes" / e).iterdir())
            assert names == ["beats.json", "script.fountain", "script.json", "shooting.json", "stats.json"], names
            if (s / "exports").exists():
                stems = {re.sub(r"(-shotlist)?\.\w+$", "", p.name) for p in (s / "exports" / e).iterdir()}
                assert len(stems) == 1, f"{s.name}/{e}: exports under several titles {stems}"
        manifest = json.loads((s / "manifest.json").read_text())
        assert manifest["episodes_done"] == list(range(1, EPISODES + 1))
        assert check_dir(s).ok, f"{s.name}: check failed"


def _record(name: str, **data) -> None:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    try:
        report = json.loads(REPORT.read_text())
    except (OSError, ValueError):
        report = {}
    report[name] = {**data, "seed": SEED, "at": time.strftime("%Y-%m-%dT%H:%M:%S")}
    REPORT.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    print(f"\n[crash-resume] {name}: " + ", ".join(f"{k}={v}" for k, v in data.items()) + f" (seed {SEED})")


# -- reference runs (uninterrupted, once per module) ----------------------------------------------
@pytest.fixture(scope="module")
def work(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("crash")
    (tmp / "requests.yaml").write_text(BATCH_YAML)
    return tmp


def _work_seconds(out: Path) -> float:
    """How long an uninterrupted run wrote for: from its first request.json to its newest file."""
    files = [p for p in out.rglob("*") if p.is_file()]
    first = min(p.stat().st_mtime for p in files if p.name == "request.json")
    return max(p.stat().st_mtime for p in files) - first


@pytest.fixture(scope="module")
def batch_ref(work):
    """The uninterrupted batch (the stand-in slowed as in the killed runs) and its writing time."""
    out = work / "batch-ref"
    env = _env(work, _delay_file(work, "batch-ref", STUB_DELAY))
    _run(["batch", str(work / "requests.yaml"), "--out", str(out)], env, work / "batch-ref.log")
    _assert_clean_and_complete(out, 2)
    return out, _work_seconds(out)


@pytest.fixture(scope="module")
def generate_ref(work):
    out = work / "generate-ref"
    env = _env(work, _delay_file(work, "generate-ref", STUB_DELAY))
    _run([*GENERATE_ARGS, "--out", str(out)], env, work / "generate-ref.log")
    _assert_clean_and_complete(out, 1)
    return out, _work_seconds(out)


def _delay_file(tmp: Path, name: str, seconds: float) -> Path:
    p = tmp / f"{name}.delay"
    p.write_text(str(seconds))
    return p


# -- one kill, landed mid-season ---------------------------------------------------------------------
def test_batch_sigkill_mid_season_resumes_byte_identical(work, batch_ref):
    """Two workers (spawned processes) each mid-season when the whole process group is killed; the
    same command with one worker finishes the batch: the bytes of the uninterrupted run."""
    ref, _ = batch_ref
    out = work / "batch-killed"
    delay = _delay_file(work, "killed", 0.1)
    env = _env(work, delay)
    args = ["batch", str(work / "requests.yaml"), "--out", str(out)]
    proc = _start([*args, "--workers", "2"], env, work / "batch-killed.log")
    deadline = time.monotonic() + 120
    while len(_done(out / "heir")) < 3 or not _done(out / "wolf"):  # both under way: some episodes written
        assert proc.poll() is None, (work / "batch-killed.log").read_text()[-3000:]
        assert time.monotonic() < deadline, "no episode written in 120 s"
        time.sleep(0.01)
    _kill_group(proc)
    killed_at = time.time()
    done = {s: _done(out / s) for s in ("heir", "wolf")}
    assert 3 <= len(done["heir"]) < EPISODES and 1 <= len(done["wolf"]) < EPISODES, f"not mid-season: {done}"
    for s, eps in done.items():
        assert eps == list(range(1, len(eps) + 1))
        assert not (out / s / "stripboard.json").exists() and not (out / s / "exports").exists()
    pids = {json.loads(line)["pid"] for line in (out / "events.jsonl").read_text().splitlines()}
    assert len(pids) == 2, f"two worker processes were killed, events name {pids}"
    from dramagen.project.batch import status

    assert [r["state"] for r in status(out)] == ["remaining", "remaining"]

    delay.write_text("0")
    _run([*args, "--workers", "1"], env, work / "batch-killed.log")  # the same command again resumes
    n = _assert_identical(ref, out)
    _assert_clean_and_complete(out, 2)
    assert [(r["state"], r["episodes_done"]) for r in status(out)] == [("done", EPISODES)] * 2
    # the resumed run wrote only what was missing: no episode twice
    events = [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]
    for s, eps in done.items():
        again = [e["done"] for e in events if e["time"] > killed_at and e["event"] == "episode" and e["season"] == s]
        assert again == list(range(len(eps) + 1, EPISODES + 1)), (s, again)
    _record("batch_one_kill_mid_season", kills=1, workers=2,
            episodes_done_at_kill=" ".join(f"{s}:{len(e)}" for s, e in done.items()), files_compared=n)


def test_partial_episode_on_disk_resumes_identically(tmp_path):
    """The states a kill between an episode's file writes leaves (stats.json written for a stage whose
    file is not; a temporary file of a dead writer) resume to the uninterrupted bytes, stats not
    counted twice. In-process with the stand-in, so each state is exact rather than hoped for."""
    from dramagen.project.pipeline import generate_season, make_request
    from tests.stand_in import make

    req = make_request(trope="hidden-heir", episodes=EPISODES, seed=4, candidates=2, model="stub")
    ref = tmp_path / "ref"
    generate_season(req, ref, generator=make(per_call=True))
    cases = {  # files of episode 4 still there after the kill (stats.json is always written first)
        "after-stats": ["stats.json"],
        "after-beats": ["stats.json", "beats.json"],
        "after-fountain": ["stats.json", "beats.json", "script.fountain"],
        "after-script": ["stats.json", "beats.json", "script.fountain", "script.json"],
    }
    for case, keep in cases.items():
        got = tmp_path / case
        subprocess.run(["cp", "-a", str(ref), str(got)], check=True)
        for p in got.glob("episodes/ep0*"):
            if int(p.name[2:]) > 4:
                subprocess.run(["rm", "-rf", str(p)], check=True)
        for f in ["season.md", "stripboard.json"]:
            (got / f).unlink()
        ep4 = got / "episodes" / "ep004"
        for f in ep4.iterdir():
            if f.name not in keep:
                f.unlink()
        if "script.json" not in keep:
            # stats.json was written with every stage's slots: script.* ones count a script not on disk
            # (the stand-in rarely needs script slots, so one is planted)
            stats = json.loads((ep4 / "stats.json").read_text())
            stats["script.detail"] = {"accepted": 1, "candidates": 2, "fallback": 0, "regenerated": 0,
                                      "rejected": {}, "repaired": 0, "slots": 1}
            (ep4 / "stats.json").write_text(json.dumps(stats, indent=2, sort_keys=True) + "\n")
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True).stdout.strip()
        (ep4 / f".beats.json.{dead}.k3j2h1g0.tmp").write_text('{"half": ')
        generate_season(None, got, generator=make(per_call=True), resume=True)
        _assert_identical(ref, got)
        assert not list(got.rglob(".*.tmp")), case


class _Killed(BaseException):
    """Stands for SIGKILL inside the process: nothing after it runs (no except Exception catches it)."""


def _season_killed_after_write(k: int | None, out: Path, req, monkeypatch) -> list[str]:
    """Generate the season into ``out``, "killed" right after its ``k``-th file write (None: never);
    returns the files written, in order (relative paths)."""
    import dramagen.project.season as season_mod
    from dramagen.project.pipeline import generate_season
    from tests.stand_in import make

    real, written = season_mod.atomic_write_bytes, []

    def write(path, data):
        real(path, data)
        written.append(Path(path).relative_to(out).as_posix())
        if len(written) == k:
            raise _Killed(written[-1])

    with monkeypatch.context() as m:
        m.setattr(season_mod, "atomic_write_bytes", write)
        try:
            generate_season(req, out, generator=make(per_call=True), resume=True)
        except _Killed:
            pass
    return written


#: the writes a kill lands right after in the default suite (the soak test kills after every one)
#: (test_partial_episode_on_disk_resumes_identically covers the states between an episode's files)
KILL_AFTER = ("bible.json", "plan.json", "episodes/ep004/beats.json", "episodes/ep010/shooting.json", "season.md")


def _kill_after_each_write(tmp_path, monkeypatch, every: bool) -> int:
    from dramagen.project.pipeline import make_request

    req = make_request(trope="second-chance", episodes=EPISODES, seed=9, candidates=2, model="stub")
    ref = tmp_path / "ref"
    writes = _season_killed_after_write(None, ref, req, monkeypatch)
    points = range(1, len(writes) + 1) if every else [writes.index(w) + 1 for w in KILL_AFTER]
    for k in points:
        out = tmp_path / f"killed-after-{k}"
        _season_killed_after_write(k, out, req, monkeypatch)
        _season_killed_after_write(None, out, req, monkeypatch)  # resume
        try:
            _assert_identical(ref, out)
        except AssertionError as e:
            raise AssertionError(f"killed after write {k} ({writes[k - 1]}): {e}") from None
        subprocess.run(["rm", "-rf", str(out)], check=True)
    return len(points)


def test_kill_right_after_a_file_write_resumes_identically(tmp_path, monkeypatch):
    """A kill right after a chosen file is written (the bible before the manifest that records its
    prompts, an episode's stats before its beats, …): the resumed season is the same bytes."""
    n = _kill_after_each_write(tmp_path, monkeypatch, every=False)
    _record("kill_after_chosen_writes", kills=n)


@pytest.mark.slow
@pytest.mark.soak
def test_kill_right_after_every_file_write_soak(tmp_path, monkeypatch):
    n = _kill_after_each_write(tmp_path, monkeypatch, every=True)
    _record("kill_after_every_write", kills=n)


# -- random kill points ------------------------------------------------------------------------------
def _kill_until_done(args: list[str], env: dict, log: Path, out: Path, complete, rng: random.Random,
                     work_s: float, max_kills: int) -> tuple[int, list[str]]:
    """Run ``args`` again and again, SIGKILLing each attempt at a random moment, until one finishes.

    Once an attempt has started writing (it rewrites ``request.json``: not while Python imports),
    the kill comes after a time uniform over the next 1/k of what an uninterrupted run needs for
    the rest (k: kills still to make), so the kills spread over the season and land in model calls,
    episode writes, the manifest, season.md and exports alike. Returns the number of kills and
    the share of episodes done at each.
    """
    kills, states = 0, []

    def writing(since: float) -> bool:  # open_season rewrites request.json at every start
        return any(p.stat().st_mtime >= since for p in out.rglob("request.json"))

    while True:
        since = time.time()
        proc = _start(args, env, log)
        if kills >= max_kills:
            rc = proc.wait(timeout=300)
            assert rc == 0, log.read_text()[-3000:]
            return kills, states
        deadline = time.monotonic() + 120
        while proc.poll() is None and not writing(since) and time.monotonic() < deadline:
            time.sleep(0.005)
        try:
            left = work_s * (1 - complete()) + 0.2  # + finish (season.md, stripboard, exports)
            rc = proc.wait(timeout=rng.uniform(0.0, left / (max_kills - kills)))
            assert rc == 0, log.read_text()[-3000:]
            return kills, states
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            kills += 1
            states.append(f"{complete():.0%}")


def _batch_complete(out: Path):
    def frac() -> float:
        return sum(len(_done(out / s)) for s in ("heir", "wolf")) / (2 * EPISODES)
    return frac


def _random_kills(work: Path, batch_ref, generate_ref, target: int, label: str, per_round: int = 5) -> None:
    """``target`` kills of `dramagen generate`, then ``target`` of `dramagen batch` (rounds alternate
    one and two workers), at most ``per_round`` in one season's life; each round runs to the end in
    a fresh folder and is compared with the uninterrupted run."""
    rng = random.Random(f"{SEED}:{label}")
    totals = {}
    for cmd, (ref, work_s) in (("generate", generate_ref), ("batch", batch_ref)):
        kills, rounds, states = 0, 0, []
        while kills < target:
            rounds += 1
            out = work / f"{label}-{cmd}-{rounds}"
            env = _env(work, _delay_file(work, f"{label}-{cmd}{rounds}", STUB_DELAY))
            if cmd == "generate":
                args, n, workers = [*GENERATE_ARGS, "--out", str(out), "--resume"], 1, ""
                complete = (lambda o: lambda: len(_done(o)) / EPISODES)(out)
            else:
                workers = "2" if rounds % 2 == 0 else "1"
                args, n = ["batch", str(work / "requests.yaml"), "--out", str(out), "--workers", workers], 2
                complete = _batch_complete(out)
            k, st = _kill_until_done(args, env, work / f"{label}-{cmd}.log", out, complete, rng, work_s,
                                     min(per_round, target - kills))
            _assert_identical(ref, out)
            _assert_clean_and_complete(out, n)
            kills += k
            states += [f"{'w' + workers + ':' if workers else ''}{x}" for x in st]
        totals[cmd] = (kills, rounds, states)
    _record(label, **{f"{cmd}_kills": v[0] for cmd, v in totals.items()},
            **{f"{cmd}_rounds": v[1] for cmd, v in totals.items()},
            **{f"{cmd}_episodes_done_at_kills": " ".join(v[2]) for cmd, v in totals.items()})


@pytest.mark.slow  # 26 s: the default suite keeps a batch SIGKILL, a partial episode and a kill after a file write
def test_random_sigkills_generate_and_batch(work, batch_ref, generate_ref):
    _random_kills(work, batch_ref, generate_ref, target=3, label="random_kills")


@pytest.mark.timeout(3600)
@pytest.mark.slow
@pytest.mark.soak
def test_random_sigkills_soak(work, batch_ref, generate_ref):
    _random_kills(work, batch_ref, generate_ref, target=int(os.environ.get("DRAMAGEN_SOAK_KILLS", "40")),
                  label="soak_kills")


# -- the real model ------------------------------------------------------------------------------------
def _uncapped(registry: Path) -> None:
    """The registry's models without their candidate caps: the default model writes every slot, so a season takes
    long enough to be killed mid-way (capped, its beats are the authored library's: 0.06 s an episode, stop 27)."""
    import yaml

    data = yaml.safe_load(registry.read_text())
    for spec in data["models"].values():
        spec.pop("candidates", None)
    registry.write_text(yaml.safe_dump(data, sort_keys=False))


@pytest.mark.timeout(3600)
@pytest.mark.slow
@pytest.mark.model
def test_real_model_sigkill_mid_season_resumes_byte_identical(tmp_path):
    """The default model on CPU (one thread): a season to beats, killed once mid-season, resumed."""
    from dramagen.llm import resolve

    if not resolve(None).is_fetched():
        pytest.fail("default model not fetched: run `dramagen models pull smollm2-135m-instruct`")
    env = _env(tmp_path)
    _uncapped(Path(env["DRAMAGEN_REGISTRY"]))
    args = ["generate", "--trope", "werewolf-rejected-mate", "--episodes", str(EPISODES), "--seed", "11",
            "--candidates", "2", "--stop-after", "beats", "--resume"]
    t = time.perf_counter()
    _run([*args, "--out", str(tmp_path / "ref")], env, tmp_path / "ref.log", timeout=1800)
    ref_s = time.perf_counter() - t
    out = tmp_path / "killed"
    proc = _start([*args, "--out", str(out)], env, tmp_path / "killed.log")
    deadline = time.monotonic() + 1800
    while len(_done(out, "beats")) < 3:
        assert proc.poll() is None, (tmp_path / "killed.log").read_text()[-3000:]
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(1.0)  # into the next episode's model calls
    _kill_group(proc)
    done = _done(out, "beats")
    assert 3 <= len(done) < EPISODES, done
    _run([*args, "--out", str(out)], env, tmp_path / "killed.log", timeout=1800)
    n = _assert_identical(tmp_path / "ref", out)
    assert _done(out, "beats") == list(range(1, EPISODES + 1))
    assert not [p for p in out.rglob(".*") if p.is_file()]
    _record("real_model_one_kill", kills=1, episodes_done_at_kill=len(done), files_compared=n,
            uninterrupted_s=round(ref_s, 1), total_s=round(time.perf_counter() - t, 1))
