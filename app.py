"""Gradio entry point: the writers' studio.

`python app.py [--host 127.0.0.1] [--port 7860] [--model NAME] [--auth user:pass] [--workspace DIR]`
"""

import argparse
import os
import sys

from dramagen.core import config  # light: no third-party imports

config.apply_process_defaults()  # before gradio is imported

from dramagen.core.errors import DramagenError  # noqa: E402
from dramagen.studio import launch  # noqa: E402

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="dramagen writers' studio (web app)")
    ap.add_argument("--host", default=config.get_str("DRAMAGEN_HOST"),
                    help="bind address (default 127.0.0.1: this machine only)")
    ap.add_argument("--port", type=int, default=config.get_int("DRAMAGEN_PORT"))
    ap.add_argument("--model", default=config.get_str("DRAMAGEN_MODEL"), help="registry name, folder, .gguf or URL")
    ap.add_argument("--auth", default=config.get_str("DRAMAGEN_AUTH"), help="user:pass (a login page)")
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
