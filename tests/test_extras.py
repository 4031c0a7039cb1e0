"""Optional parts (issue 15): without their extra, Ray, matplotlib and llama.cpp fail with one line naming it.

The base package (``pip install dramagen``, ``make run``) has none of them; here each is hidden from a
subprocess by a stand-in module that raises ``ModuleNotFoundError`` first on ``PYTHONPATH``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dramagen.core.errors import DramagenError
from dramagen.extras import EXTRAS, MissingExtraError, require

ROOT = Path(__file__).resolve().parents[1]


def hidden(tmp_path: Path, *modules: str) -> dict:
    """An environment where importing ``modules`` fails as if they were not installed."""
    d = tmp_path / "hide"
    d.mkdir(exist_ok=True)
    for m in modules:
        (d / f"{m}.py").write_text(f"raise ModuleNotFoundError(\"No module named '{m}'\", name={m!r})\n")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(d), str(ROOT)])}


def cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dramagen", *args], capture_output=True, text=True, env=env,
                          timeout=120, cwd=ROOT)


def one_line_naming(r: subprocess.CompletedProcess, extra: str) -> None:
    err = r.stderr.strip()
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert len(err.splitlines()) == 1 and err.startswith("error: "), err
    assert f"pip install 'dramagen[{extra}]'" in err and "Traceback" not in err


def test_require_names_the_extra(monkeypatch):
    assert require("json", "lab").dumps([]) == "[]"
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib → ImportError
    with pytest.raises(MissingExtraError) as e:
        require("matplotlib", "lab")
    assert isinstance(e.value, DramagenError) and e.value.extra == "lab"
    assert str(e.value) == ("matplotlib is not installed (the prompt lab's plots): "
                            "pip install 'dramagen[lab]' (from a clone: pip install -e '.[lab]')")
    assert set(EXTRAS) == {"server", "ray", "lab", "dev"}


def test_llamacpp_backend_without_the_server_extra(monkeypatch, tmp_path):
    from dramagen.llm.llamacpp import LlamaCppGenerator

    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    want = r"llama-cpp-python is not installed \(the llamacpp backend\).*dramagen\[server\]"
    with pytest.raises(MissingExtraError, match=want):
        LlamaCppGenerator(tmp_path / "m.gguf")


def test_batch_ray_without_ray(tmp_path):
    req = tmp_path / "r.yaml"
    req.write_text("- {trope: werewolf-rejected-mate, episodes: 10, stop_after: bible}\n")
    one_line_naming(cli(hidden(tmp_path, "ray"), "batch", str(req), "--out", str(tmp_path / "b"), "--ray", "local"),
                    "ray")


def test_lab_run_without_matplotlib(tmp_path):
    exp = next((ROOT / "prompts" / "experiments").glob("*.yaml"))
    one_line_naming(cli(hidden(tmp_path, "matplotlib"), "lab", "run", str(exp), "--out", str(tmp_path / "lab"),
                        "--yes"), "lab")
    assert not (tmp_path / "lab" / "runs").exists()  # refused before any cell ran


def test_llamacpp_server_without_the_server_extra(tmp_path):
    r = subprocess.run([sys.executable, "-m", "dramagen.llm.llamacpp_support", "--help"], capture_output=True,
                       text=True, env=hidden(tmp_path, "llama_cpp"), timeout=60, cwd=ROOT)
    err = r.stderr.strip()
    assert r.returncode == 1 and len(err.splitlines()) == 1 and "pip install 'dramagen[server]'" in err, err
