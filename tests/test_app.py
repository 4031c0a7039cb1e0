"""The app, launched as a user would (python app.py), streams from the default model."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import free_port, wait_for_http

pytestmark = pytest.mark.model
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    port = free_port()
    log = open(tmp_path_factory.mktemp("app") / "app.log", "wb")  # noqa: SIM115 - the server's log, open while it runs
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    if not wait_for_http(url, 120):
        proc.kill()
        pytest.fail("app did not start")
    yield url
    proc.terminate()
    proc.wait(20)
    log.close()


def test_app_binds_loopback_and_streams(app_url):
    from gradio_client import Client

    assert app_url.startswith("http://127.0.0.1:")
    client = Client(app_url, verbose=False)
    job = client.submit("Story: Mara returns.\nCliffhanger (reveal):", "smollm2-135m-instruct", 24, 0.0, 1,
                        api_name="/complete")
    updates = list(job)
    final = job.result()
    assert final.strip() and len(updates) >= 2
    assert all(final.startswith(u) for u in updates if u)  # text grows as it streams


def test_empty_prompt_is_a_clear_error(app_url):
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    with pytest.raises(Exception, match="prompt: empty"):
        client.predict("   ", "smollm2-135m-instruct", 8, 0.0, 1, api_name="/complete")
