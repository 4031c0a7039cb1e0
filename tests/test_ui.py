"""The writers' studio (dramagen.studio) end to end, through its named API with gradio_client.

The app runs as a subprocess on a free 127.0.0.1 port, as a user would start it, but with
a fast stand-in generator (``StubGenerator``: plausible one-liners built from the prompt,
in milliseconds) so that whole flows — four seasons at once included — fit in a minute
on two shared cores. The stages themselves are tested on the real model elsewhere; here
what is tested is the studio: streaming, sessions, edits kept, regeneration of one beat,
projects, zips, exports and errors. ``test_app.py`` covers the real model in the app.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from .conftest import free_port, wait_for_http
from .stand_in import StubGenerator  # noqa: F401  (the launcher imports it from here too)

ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- the app as a subprocess

LAUNCHER = """
import socket, sys
sys.path.insert(0, {root!r})

# record every connection (and name lookup) that leaves the machine: there must be none
_LOCAL = ("127.0.0.1", "::1", "localhost", "0.0.0.0", "")
_connect, _getaddrinfo = socket.socket.connect, socket.getaddrinfo
def _note(what):
    with open({outbound!r}, "a") as f:
        f.write(repr(what) + "\\n")
def connect(self, addr):
    if isinstance(addr, tuple) and str(addr[0]) not in _LOCAL:
        _note(("connect", addr))
    return _connect(self, addr)
def getaddrinfo(host, *a, **kw):
    if host is not None and str(host) not in _LOCAL:
        _note(("getaddrinfo", host))
    return _getaddrinfo(host, *a, **kw)
socket.socket.connect, socket.getaddrinfo = connect, getaddrinfo
from tests.stand_in import StubGenerator
import dramagen.studio.session as session
from dramagen.studio import launch
stub = StubGenerator(delay={delay!r}, delay_file={delay_file!r})
session.load_generator = lambda model=None, **kw: stub
launch(port={port}, auth={auth!r})
"""


class App:
    """The studio running in a subprocess on a free loopback port, with the stand-in model."""

    def __init__(self, tmp: Path, delay: float = 0.02, auth: str | None = None):
        self.tmp = tmp
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.workspace = tmp / "workspace"
        self.workspace.mkdir(parents=True, exist_ok=True)
        self.delay_file = tmp / "stub-delay"
        self.outbound = tmp / "outbound.log"
        script = tmp / "launch_studio.py"
        script.write_text(LAUNCHER.format(root=str(ROOT), port=self.port, delay=delay, outbound=str(self.outbound),
                                          delay_file=str(self.delay_file), auth=auth))
        env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "DRAMAGEN_WORKSPACE": str(self.workspace),
               "GRADIO_TEMP_DIR": str(tmp / "gradio"), "TMPDIR": str(tmp)}
        self.log_path = tmp / "app.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - the app's log while it runs; closed in close()
        self.proc = subprocess.Popen([sys.executable, str(script)], cwd=tmp, env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if httpx.get(self.url, timeout=2).status_code in (200, 401):
                    return
            except httpx.HTTPError:
                time.sleep(0.3)
        self.close()
        pytest.fail("studio did not start:\n" + self.log())

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def client(self, **kw):
        from gradio_client import Client

        return Client(self.url, verbose=False, **kw)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._log.close()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    a = App(tmp_path_factory.mktemp("studio"))
    yield a
    a.close()


def new_season(c, trope: str = "werewolf-rejected-mate", seed: int = 3, **kw) -> dict:
    """Bible + plan of a 10-episode season; returns /season."""
    c.predict(trope=trope, episodes=10, paywall=5, seed=seed, **kw, api_name="/bible")
    c.predict(api_name="/plan")
    return c.predict(api_name="/season")


def words(beat: dict) -> tuple:
    """What a writer wrote in a beat (timings aside)."""
    return beat["action"], beat["lines"], beat["characters"], beat["location"], beat["new_scene"]


def returns_index(c, api: str, label: str) -> int:
    info = c.view_api(return_format="dict", print_info=False)["named_endpoints"][api]["returns"]
    return [r.get("label") for r in info].index(label)


# --------------------------------------------------------------------------- tests


def test_named_endpoints(app):
    c = app.client()
    names = set(c.view_api(return_format="dict", print_info=False)["named_endpoints"])
    for api in ("/bible", "/regenerate_bible", "/save_bible", "/plan", "/regenerate_plan_episode", "/save_plan",
                "/beats", "/regenerate_beat", "/save_beat", "/script", "/save_script", "/check_script", "/shooting",
                "/export", "/save_project", "/open_project", "/list_projects", "/download_project", "/season",
                "/episode", "/stop",
                "/complete"):
        assert api in names, api


def test_season_from_trope_to_exports(app, tmp_path):
    c = app.client()
    # the bible streams: the live box grows update by update
    job = c.submit(trope="hidden-heir", episodes=10, paywall=5, seed=11, api_name="/bible")
    job.result()
    k = returns_index(c, "/bible", "Live: what the model writes")
    texts = [o[k] for o in job.outputs() if isinstance(o[k], str) and o[k]]
    assert len(texts) >= 2 and "bible.title:" in texts[-1] and "done" in texts[-1]
    season = c.predict(api_name="/season")
    bible = season["bible"]
    assert season["request"]["trope"] == "hidden-heir" and season["request"]["seed"] == 11
    assert 3 <= len(bible["characters"]) <= 6 and bible["title"]

    # edit the bible (a character renamed, the logline pinned), then plan: the edits are kept
    chars = [[False, ch["name"], ch["age"], ch["role"], ch["want"], ch["secret"], ch["look"]]
             for ch in bible["characters"]]
    old_name = chars[1][1]
    chars[1][1] = "Zephyr"
    locs = [[False, loc["name"], loc["interior"], loc["time"], loc["description"]] for loc in bible["locations"]]
    headers = ["pin", "name", "age", "role", "want", "secret", "look"]
    c.predict(bible["title"], False, "A hidden heir takes back her name.", True,
              {"headers": headers, "data": chars}, {"headers": ["pin", "name", "interior", "time", "description"],
                                                     "data": locs}, api_name="/save_bible")
    c.predict(api_name="/plan")
    season = c.predict(api_name="/season")
    assert season["bible"]["logline"] == "A hidden heir takes back her name."
    assert season["request"]["pins"]["logline"] == "A hidden heir takes back her name."
    names = [ch["name"] for ch in season["bible"]["characters"]]
    assert "Zephyr" in names and old_name not in names
    plan = season["plan"]
    assert len(plan["episodes"]) == 10 and plan["paywall"] == 5
    assert all(e["title"] and e["synopsis"] and e["cliffhanger"] for e in plan["episodes"])
    assert any("Zephyr" in e["characters"] for e in plan["episodes"])

    # regenerate one episode's plan text: the others stay as they were
    c.predict(4, api_name="/regenerate_plan_episode")
    plan2 = c.predict(api_name="/season")["plan"]
    assert [e for e in plan2["episodes"] if e["number"] != 4] == [e for e in plan["episodes"] if e["number"] != 4]

    # beats of episode 1
    c.predict(1, api_name="/beats")
    ep = c.predict(1, api_name="/episode")
    beats = ep["beats"]["beats"]
    assert beats[0]["kind"] == "hook" and beats[-1]["kind"] == "cliffhanger" and len(beats) >= 3

    # edit beat 2 by hand, then regenerate beat 3: beat 3 changes, every other beat keeps its words
    b2 = beats[1]
    who = b2["characters"][0] if b2["characters"] else names[0]
    c.predict(1, 2, "A hand-written action line for beat two.", f"{who} (whispering): I kept your letter.",
              b2["characters"], b2["location"], b2["new_scene"], api_name="/save_beat")
    edited = c.predict(1, api_name="/episode")["beats"]["beats"]
    assert edited[1]["action"] == "A hand-written action line for beat two."
    assert edited[1]["lines"] == [{"character": who, "text": "I kept your letter.", "parenthetical": "whispering"}]
    c.predict(1, 3, api_name="/regenerate_beat")
    after = c.predict(1, api_name="/episode")["beats"]["beats"]
    assert len(after) == len(edited)
    for b, a in zip(edited, after, strict=True):
        if b["index"] != 3:
            assert words(a) == words(b), f"beat {b['index']} changed"
    assert words(after[2]) != words(edited[2]), "beat 3 was not rewritten"
    assert after[1]["action"] == "A hand-written action line for beat two."  # the edit is kept
    tiles = [(b["start"], b["end"]) for b in after]
    assert all(abs(tiles[i][1] - tiles[i + 1][0]) < 0.02 for i in range(len(tiles) - 1))  # re-timed, contiguous

    # script: Fountain, a live estimate, an edit saved, then the shooting script from the edited script
    c.predict(1, api_name="/script")
    ep = c.predict(1, api_name="/episode")
    fountain = ep["fountain"]
    assert "INT." in fountain or "EXT." in fountain
    created = c.predict(api_name="/season")["request"]["created"]  # the season's draft date (request.json)
    assert created and created != "1970-01-01" and f"Draft date: {created}" in fountain
    assert "A hand-written action line for beat two." in fountain
    report = c.predict(1, fountain, api_name="/check_script")
    assert "Estimated runtime" in report and re.search(r"\d+\.\d s", report)
    longer = fountain.rstrip() + "\n\nA slow pan across the empty hall, the candles guttering one by one.\n"
    report2 = c.predict(1, longer, api_name="/check_script")
    est = lambda r: float(re.search(r"Estimated runtime <b>([\d.]+) s", r).group(1))  # noqa: E731
    assert est(report2) > est(report)
    c.predict(1, longer, api_name="/save_script")
    assert "candles guttering" in c.predict(1, api_name="/episode")["fountain"]
    c.predict(1, api_name="/shooting")
    ep = c.predict(1, api_name="/episode")
    shots = [s for sc in ep["shooting"]["scenes"] for s in sc["shots"]]
    assert shots and {s["size"] for s in shots} <= {"ECU", "CU", "MCU", "MS", "WS", "EWS"}
    assert any("candles" in s["action"] for s in shots)

    # exports: every format, downloaded
    result = c.predict(api_name="/export")
    paths = [Path(f) if isinstance(f, str) else Path(f["path"] if isinstance(f, dict) else f) for f in result[0]]
    by_ext = {p.suffix: p for p in paths}
    assert ".pdf" in by_ext and by_ext[".pdf"].read_bytes().startswith(b"%PDF")
    zips = [p for p in paths if p.suffix == ".zip"]
    assert zips
    with zipfile.ZipFile(zips[0]) as z:
        names_in_zip = z.namelist()
    assert any(re.match(r"^ep001/.+\.pdf$", n) for n in names_in_zip), names_in_zip[:20]
    assert {"bible.md", "bible.pdf", "season-plan.md", "season-plan.pdf"} <= set(names_in_zip)  # the season's docs
    assert {".fountain", ".fdx", ".html", ".json", ".csv"} <= {p.suffix for p in paths}
    assert f"Draft date: {created}" in by_ext[".fountain"].read_text(encoding="utf-8")  # in-app = exported

    # projects: save to the workspace, open in another session (by name, and from the zip)
    c.predict("heir-season", api_name="/save_project")
    assert (app.workspace / "heir-season" / "bible.json").exists()
    title = c.predict(api_name="/season")["bible"]["title"]
    c2 = app.client()
    assert "heir-season" in str(c2.predict(api_name="/list_projects"))
    c2.predict("heir-season", None, api_name="/open_project")
    s2 = c2.predict(api_name="/season")
    assert s2["bible"]["title"] == title and s2["episodes_done"]["shooting"] == [1]
    from gradio_client import handle_file

    season_zip = c.predict(api_name="/download_project")
    c3 = app.client()
    c3.predict(None, handle_file(season_zip if isinstance(season_zip, str) else season_zip["path"]),
               api_name="/open_project")
    s3 = c3.predict(api_name="/season")
    assert s3["bible"]["title"] == title and 1 in s3["episodes_done"]["beats"]
    # the other sessions' edits do not touch the first one
    c2.predict(1, 2, api_name="/regenerate_beat")
    assert c.predict(1, api_name="/episode")["beats"]["beats"][1]["action"] == \
        "A hand-written action line for beat two."


def test_pins_free_text_and_project_zip(app, tmp_path):
    """Pinned bible fields survive a regeneration; a free-text trope works; a season zip opens again."""
    from gradio_client import handle_file

    c = app.client()
    c.predict(mode="Free text", custom_text="A nurse discovers the billionaire patient she saved is the husband "
                                           "who faked his death.", episodes=12, paywall=6, seed=5, rating="mature",
              api_name="/bible")
    season = c.predict(api_name="/season")
    assert season["request"]["custom_trope"] is True and season["bible"]["trope_id"].startswith("custom")
    assert season["request"]["rating"] == "mature"  # the studio's rating selector, as --rating in the CLI
    bible = season["bible"]
    chars = [[i == 0, ch["name"], ch["age"], ch["role"], ch["want"], ch["secret"], ch["look"]]
             for i, ch in enumerate(bible["characters"])]
    locs = [[i == 0, loc["name"], loc["interior"], loc["time"], loc["description"]]
            for i, loc in enumerate(bible["locations"])]
    c.predict("The Husband Who Came Back", True, bible["logline"], False,
              {"headers": ["pin", "name", "age", "role", "want", "secret", "look"], "data": chars},
              {"headers": ["pin", "name", "interior", "time", "description"], "data": locs},
              api_name="/regenerate_bible")
    again = c.predict(api_name="/season")
    b2 = again["bible"]
    assert b2["title"] == "The Husband Who Came Back"
    assert b2["characters"][0] == bible["characters"][0] and b2["locations"][0] == bible["locations"][0]
    assert b2["characters"][1:] != bible["characters"][1:] or b2["logline"] != bible["logline"]
    assert again["request"]["pins"]["title"] == "The Husband Who Came Back"
    assert [ch["name"] for ch in again["request"]["pins"]["characters"]] == [bible["characters"][0]["name"]]
    c.predict(api_name="/plan")
    assert len(c.predict(api_name="/season")["plan"]["episodes"]) == 12
    # the whole episode regenerated: another take, still a valid sheet
    c.predict(2, api_name="/beats")
    first = c.predict(2, api_name="/episode")["beats"]["beats"]
    c.predict(2, api_name="/beats")
    second = c.predict(2, api_name="/episode")["beats"]["beats"]
    assert [words(b) for b in first] != [words(b) for b in second]
    assert second[0]["kind"] == "hook" and second[-1]["kind"] == "cliffhanger"

    zipped = c.predict(api_name="/download_project")
    zpath = Path(zipped if isinstance(zipped, str) else zipped["path"])
    with zipfile.ZipFile(zpath) as z:
        assert any(n.endswith("/bible.json") for n in z.namelist())
    c2 = app.client()
    c2.predict(None, handle_file(str(zpath)), api_name="/open_project")
    assert c2.predict(api_name="/season")["bible"] == b2


def test_four_clients_at_once(app):
    """Four sessions write four seasons at the same time; each gets its own."""
    asks = [("werewolf-rejected-mate", 1), ("billionaire-revenge", 2), ("hidden-heir", 3), ("time-loop", 4)]
    results: dict[int, dict] = {}
    spans: dict[int, tuple[float, float]] = {}
    errors: list[BaseException] = []
    app.delay_file.write_text("0.15")  # a slower model, so that the four really overlap

    def run(i: int, trope: str, seed: int) -> None:
        try:
            c = app.client()
            t0 = time.monotonic()
            results[i] = new_season(c, trope, seed)
            spans[i] = (t0, time.monotonic())
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    try:
        threads = [threading.Thread(target=run, args=(i, t, s)) for i, (t, s) in enumerate(asks)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(240)
    finally:
        app.delay_file.unlink(missing_ok=True)
    assert not errors, errors
    assert max(a for a, _ in spans.values()) < min(b for _, b in spans.values()), "the sessions did not overlap"
    for i, (trope, seed) in enumerate(asks):
        season = results[i]
        assert season["request"]["trope"] == trope and season["request"]["seed"] == seed
        assert season["bible"]["trope_id"] == trope
        assert len(season["plan"]["episodes"]) == 10
    titles = {results[i]["bible"]["trope_id"] for i in results}
    assert len(titles) == 4


def test_clear_errors_and_no_tracebacks(app):
    from gradio_client.exceptions import AppError

    c = app.client()
    cases = [
        (dict(trope="werewolf-rejected-mate", episodes=5), "episodes: 5 is not accepted; expected an integer from 10"),
        (dict(trope="werewolf-rejected-mate", episodes=10, paywall=12), "paywall: 12 is not accepted"),
        (dict(trope="werwolf", episodes=10, paywall=5), "did you mean: werewolf-rejected-mate"),
        (dict(mode="Free text", custom_text="  ", episodes=10, paywall=5), "trope"),
        (dict(trope="hidden-heir", episodes=10, paywall=5, length=95), "length: 95"),
        (dict(trope="hidden-heir", episodes=10, paywall=5, seed=-1), "seed: -1"),
        (dict(trope="hidden-heir", episodes=10, paywall=5, candidates=0), "candidates: 0"),
        (dict(trope="hidden-heir", episodes=10, paywall=5, model="no-such-model"), "model: unknown model"),
        # refused at the field, never coerced: 10.5 is not 10, a blank is not the 60-episode default
        (dict(trope="hidden-heir", episodes=10.5, paywall=5), "episodes: 10.5 is not accepted; expected an integer "
                                                              "from 10 to 100 (a whole number, without a fraction)"),
        (dict(trope="hidden-heir", episodes=None, paywall=5), "episodes: '' is not accepted; expected an integer from "
                                                              "10 to 100 (empty, or not a number)"),
        (dict(trope="hidden-heir", episodes=10, paywall=2.5), "paywall: 2.5 is not accepted"),
        (dict(trope="hidden-heir", episodes=10, paywall=5, seed=None), "seed: '' is not accepted"),
    ]
    for kw, expected in cases:
        with pytest.raises(Exception) as e:
            c.predict(**kw, api_name="/bible")
        assert expected in str(e.value), (kw, str(e.value))
        assert "Traceback" not in str(e.value)
    # steps out of order: a sentence, not a stack trace
    for api, args in (("/plan", ()), ("/beats", (1,)), ("/export", ())):
        with pytest.raises(AppError, match="No season yet"):
            c.predict(*args, api_name=api)
    new_season(c, "second-chance", 5)
    with pytest.raises(AppError, match="episode: 11 is not accepted; expected an episode number from 1 to 10"):
        c.predict(11, api_name="/beats")
    with pytest.raises(AppError, match="no beats yet"):
        c.predict(2, 1, api_name="/regenerate_beat")
    with pytest.raises(AppError, match="no script yet"):
        c.predict(2, api_name="/shooting")
    c.predict(2, api_name="/beats")
    bad_lines = c.predict(2, api_name="/episode")["beats"]["beats"][1]
    with pytest.raises(AppError, match="a character of the bible"):
        c.predict(2, 2, "x", "NOBODY: hello", bad_lines["characters"], bad_lines["location"], False,
                  api_name="/save_beat")
    c.predict(2, api_name="/script")
    with pytest.raises(AppError, match=r"line \d+: unknown location"):
        c.predict(2, "INT. THE MOON - NIGHT\n\nSomething happens.\n", api_name="/save_script")
    with pytest.raises(AppError, match="project name"):
        c.predict("../escape", api_name="/save_project")
    assert "Traceback" not in app.log()


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_projects_refuse_bad_uploads(app, tmp_path):
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    c = app.client()
    evil = _zip(tmp_path / "evil.zip", {"season/request.json": b"{}", "../../escaped.txt": b"gotcha"})
    with pytest.raises(AppError, match="escapes the project folder"):
        c.predict(None, handle_file(str(evil)), api_name="/open_project")
    absolute = _zip(tmp_path / "absolute.zip", {"/tmp/abs-escape.txt": b"gotcha"})
    with pytest.raises(AppError, match="escapes the project folder"):
        c.predict(None, handle_file(str(absolute)), api_name="/open_project")
    assert not list(tmp_path.parent.rglob("escaped.txt")) and not Path("/tmp/abs-escape.txt").exists()
    notes = _zip(tmp_path / "notes.zip", {"notes/readme.txt": b"hello", "notes/a.json": b"{}"})
    with pytest.raises(AppError, match="not a dramagen season"):
        c.predict(None, handle_file(str(notes)), api_name="/open_project")
    text = tmp_path / "season.zip"
    text.write_text("not a zip at all")
    with pytest.raises(AppError, match="a .zip of a season folder"):
        c.predict(None, handle_file(str(text)), api_name="/open_project")
    broken = _zip(tmp_path / "broken.zip", {"s/request.json": b"{\"trope\": \"hidden-heir\"}",
                                             "s/bible.json": b"{\"title\": 3}"})
    with pytest.raises(AppError, match="bible.json is invalid"):
        c.predict(None, handle_file(str(broken)), api_name="/open_project")
    (app.workspace / "not-a-season").mkdir(exist_ok=True)
    with pytest.raises(AppError, match="not a dramagen season"):
        c.predict("not-a-season", None, api_name="/open_project")
    with pytest.raises(AppError, match="project name"):
        c.predict("../../etc", None, api_name="/open_project")
    with pytest.raises(AppError, match="No season yet"):
        c.predict(api_name="/season")  # nothing was opened


def test_stop_cancels_generation(app):
    c = app.client()
    new_season(c, "vampire-bride", 9)
    before = c.predict(api_name="/season")["plan"]
    app.delay_file.write_text("0.6")
    try:
        job = c.submit(api_name="/plan")
        k = returns_index(c, "/plan", "Live: what the model writes")
        deadline = time.monotonic() + 60

        def streamed() -> bool:
            return any(len(o) > k and isinstance(o[k], str) and o[k] for o in job.outputs())

        while time.monotonic() < deadline and not streamed():
            time.sleep(0.1)
        t0 = time.monotonic()
        assert "Stopping" in c.predict(api_name="/stop")
        job.result(timeout=60)
        assert time.monotonic() - t0 < 15
    finally:
        app.delay_file.unlink(missing_ok=True)
    assert "stopped" in (job.outputs()[-1][k] or "")
    assert c.predict(api_name="/season")["plan"] == before  # the season keeps what it had
    assert c.predict(api_name="/stop") == "Nothing is running."


def _listening_addresses(port: int) -> set[str]:
    out = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for ln in lines:
            local, state = ln.split()[1], ln.split()[3]
            host, p = local.split(":")
            if int(p, 16) == port and state == "0A":  # LISTEN
                if len(host) == 8:
                    out.add(".".join(str(int(host[i:i + 2], 16)) for i in (6, 4, 2, 0)))
                else:
                    out.add(host)
    return out


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc/net/tcp")
def test_binds_loopback_only(app):
    assert _listening_addresses(app.port) == {"127.0.0.1"}


@pytest.mark.slow  # 15 s; test_security's login checks (app.py and dramagen serve) stay in the default suite
def test_auth(tmp_path):
    a = App(tmp_path, auth="writer:s3cret")
    try:
        assert httpx.get(a.url + "gradio_api/info", timeout=5).status_code in (401, 403)
        with pytest.raises(Exception, match="(?i)401|403|unauthori|login|credentials|auth"):
            a.client()
        c = a.client(auth=("writer", "s3cret"))
        season = new_season(c, "secret-baby", 2)
        assert season["bible"]["trope_id"] == "secret-baby"
    finally:
        a.close()


def test_app_cli_flags():
    r = subprocess.run([sys.executable, str(ROOT / "app.py"), "--help"], capture_output=True, text=True, timeout=60,
                       cwd=ROOT)
    assert r.returncode == 0
    for flag in ("--host", "--port", "--model", "--auth", "--workspace"):
        assert flag in r.stdout
    bad = subprocess.run([sys.executable, str(ROOT / "app.py"), "--auth", "no-colon", "--port", str(free_port())],
                         capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert bad.returncode == 2 and "auth" in bad.stderr and "user:pass" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_helpers_units(tmp_path):
    """Pure helpers: the zip guard, names, Dataframe parsing, the timeline."""
    from dramagen.core.errors import InputError
    from dramagen.core.models import Beat, EpisodeBeats
    from dramagen.studio.views import parse_auth, parse_characters, timeline_html
    from dramagen.studio.workspace import safe_extract

    good = _zip(tmp_path / "good.zip", {"s/request.json": b"{}", "s/episodes/ep001/beats.json": b"{}"})
    safe_extract(good, tmp_path / "out")
    assert (tmp_path / "out" / "s" / "episodes" / "ep001" / "beats.json").exists()
    for name in ("../x", "a/../../x", "/abs", "C:/win", "a\\..\\..\\x"):
        bad = _zip(tmp_path / "bad.zip", {name: b"x"})
        with pytest.raises(InputError, match="paths stay inside"):
            safe_extract(bad, tmp_path / "out2")
    link = tmp_path / "link.zip"
    with zipfile.ZipFile(link, "w") as z:
        info = zipfile.ZipInfo("s/evil")
        info.external_attr = (0o120777 << 16)
        z.writestr(info, "/etc/passwd")
    with pytest.raises(InputError, match="paths stay inside"):
        safe_extract(link, tmp_path / "out3")
    assert parse_auth("a:b:c") == ("a", "b:c")
    for bad in ("nocolon", ":x", "x:"):
        with pytest.raises(InputError, match="auth"):
            parse_auth(bad)
    with pytest.raises(InputError, match=r"characters row 2 age"):
        parse_characters([[False, "Mara", 24, "lead", "", "", ""], [False, "Kai", "old", "love_interest", "", "", ""]])
    with pytest.raises(InputError, match=r"characters row 1\.name"):
        parse_characters([[False, "mara 2", 24, "lead", "", "", ""]])
    table = {"data": [[True, "Mara", 24.0, "lead", "w", "s", "l"], ["", "", "", "", "", "", ""]]}
    chars, pinned = parse_characters(table)
    assert [c.name for c in chars] == ["Mara"] and pinned == chars
    eb = EpisodeBeats(episode=1, target_seconds=75, cliffhanger_type="reveal", beats=[
        Beat(index=1, kind="hook", start=0, end=4, location="HALL"),
        Beat(index=2, kind="development", start=4, end=60, location="HALL"),
        Beat(index=3, kind="cliffhanger", start=60, end=74, location="HALL")])
    html = timeline_html(eb, 75, selected=2)
    assert html.count("class='tl-beat") == 3 and "tl-beat tl-development sel" in html and "✓ within" in html


# slow (issue 15, 23 s): the default suite drives the studio with the stand-in, and the real model through the CLI
@pytest.mark.model
@pytest.mark.slow
def test_real_model_writes_a_bible(tmp_path):
    """The studio as `python app.py` starts it, on the real default model: one bible, streamed
    (one candidate a line, to keep the shared model's time small)."""
    port = free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "DRAMAGEN_WORKSPACE": str(tmp_path / "ws"),
           "TMPDIR": str(tmp_path), "GRADIO_TEMP_DIR": str(tmp_path / "gradio")}
    log = open(tmp_path / "app.log", "wb")  # noqa: SIM115 - the app's log while it runs; closed below
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for_http(url, 120)
        from gradio_client import Client

        c = Client(url, verbose=False)
        job = c.submit(trope="werewolf-rejected-mate", episodes=10, paywall=5, seed=1, candidates=1,
                       api_name="/bible")
        job.result(timeout=600)
        k = returns_index(c, "/bible", "Live: what the model writes")
        texts = [o[k] for o in job.outputs() if isinstance(o[k], str) and o[k]]
        assert any("the model is writing" in t for t in texts)  # the page hears each batch start
        # the model writes the title and logline; a trope with story facts fills want/secret/look from them
        assert "bible.title:" in texts[-1] and "bible.logline:" in texts[-1]
        season = c.predict(api_name="/season")
        bible = season["bible"]
        assert bible["trope_id"] == "werewolf-rejected-mate" and bible["title"] and len(bible["characters"]) >= 3
        assert all(ch["want"] and ch["secret"] and ch["look"] for ch in bible["characters"])
        assert season["request"]["candidates"] == 1
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()
    assert not list(tmp_path.glob("dramagen-studio-*")), "session folders are removed when the app stops"


def test_no_outbound_connections(app):
    """After everything above, the app has not tried to reach beyond this machine."""
    assert app.proc.poll() is None, app.log()
    assert not app.outbound.exists(), app.outbound.read_text()[:2000]
