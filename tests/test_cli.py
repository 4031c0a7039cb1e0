import subprocess
import sys

import pytest

from dramagen import __version__


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "dramagen", *args], capture_output=True, text=True, input=stdin,
                          timeout=300)


def test_version():
    r = run("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"dramagen {__version__}"


def test_models_list_and_info():
    r = run("models", "list")
    assert r.returncode == 0 and "smollm2-135m" in r.stdout and "local-vllm" in r.stdout
    r = run("models", "info", "smollm2-135m-instruct")
    assert r.returncode == 0 and '"source_sha256"' in r.stdout and '"fetched": true' in r.stdout


@pytest.mark.parametrize(
    "args,needle",
    [
        (["complete", "hi", "--temperature", "-1"], "temperature"),
        (["complete", "hi", "--max-new-tokens", "0"], "max_new_tokens"),
        (["complete", "hi", "--top-p", "1.5"], "top_p"),
        (["complete", "hi", "--model", "no-such-model"], "known models"),
        (["models", "info", "no-such-model"], "known models"),
    ],
)
def test_errors_are_one_line_exit_2(args, needle):
    r = run(*args)
    assert r.returncode == 2
    assert needle in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_unreachable_server_fails_fast():
    r = run("complete", "hi", "--model", "http://127.0.0.1:9/v1#x", "-n", "4")
    assert r.returncode == 2 and "cannot reach" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.model
def test_complete_streams_from_default_model():
    r = run("complete", "Story: Mara meets the alpha.\nCliffhanger (reveal):", "-n", "12", "--seed", "5",
            "--temperature", "0")
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.strip()) > 0
    again = run("complete", "Story: Mara meets the alpha.\nCliffhanger (reveal):", "-n", "12", "--seed", "5",
                "--temperature", "0")
    assert again.stdout == r.stdout
