"""Gradio entry point: `python app.py [--host 127.0.0.1] [--port 7860] [--model NAME] [--auth user:pass]`."""

import argparse
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from dramagen.ui import launch  # noqa: E402

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="dramagen web app")
    ap.add_argument("--host", default=os.environ.get("DRAMAGEN_HOST", "127.0.0.1"))
    ap.add_argument("--port", type=int, default=int(os.environ.get("DRAMAGEN_PORT", "7860")))
    ap.add_argument("--model", default=os.environ.get("DRAMAGEN_MODEL"))
    ap.add_argument("--auth", default=os.environ.get("DRAMAGEN_AUTH"), help="user:pass")
    a = ap.parse_args()
    launch(host=a.host, port=a.port, model=a.model, auth=a.auth)
