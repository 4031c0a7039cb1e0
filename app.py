"""Gradio entry point: the writers' studio.

`python app.py [--host 127.0.0.1] [--port 7860] [--model NAME] [--auth user:pass] [--workspace DIR]`
"""

import argparse
import os
import sys

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from dramagen.errors import DramagenError  # noqa: E402
from dramagen.studio import launch  # noqa: E402

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="dramagen writers' studio (web app)")
    ap.add_argument("--host", default=os.environ.get("DRAMAGEN_HOST", "127.0.0.1"),
                    help="bind address (default 127.0.0.1: this machine only)")
    ap.add_argument("--port", type=int, default=int(os.environ.get("DRAMAGEN_PORT", "7860")))
    ap.add_argument("--model", default=os.environ.get("DRAMAGEN_MODEL"), help="registry name, folder, .gguf or URL")
    ap.add_argument("--auth", default=os.environ.get("DRAMAGEN_AUTH"), help="user:pass (a login page)")
    ap.add_argument("--workspace", default=None,
                    help="folder of saved projects (default: $DRAMAGEN_WORKSPACE or ./seasons)")
    a = ap.parse_args()
    if a.workspace:
        os.environ["DRAMAGEN_WORKSPACE"] = a.workspace
    try:
        launch(host=a.host, port=a.port, model=a.model, auth=a.auth)
    except DramagenError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(e.exit_code)
