import os
import socket

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

import pytest  # noqa: E402
from hypothesis import settings as _hypothesis_settings  # noqa: E402

# hypothesis profiles: the default suite's, and `soak` (make soak: HYPOTHESIS_PROFILE=soak) with 20× the examples
_hypothesis_settings.register_profile("soak", max_examples=2000, deadline=None)
_hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


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
