"""The writers' studio (Gradio): :func:`build` the app, :func:`launch` it.

- :mod:`.app` lays out the tabs and wires them; :mod:`.tabs` has one module per tab.
- :mod:`.session` holds a page's session, its jobs and Stop, and the one handler wrapper.
- :mod:`.views` renders and parses (pure); :mod:`.page` maps a season on disk to the components.
- :mod:`.steps` (generation) and :mod:`.edits` (saving the page's fields) work on the season
  folder without Gradio; :mod:`.workspace` opens and saves projects; :mod:`.outputs` draws
  storyboard panels and exports.
"""

from __future__ import annotations

import os

# before Gradio is first imported (every studio module is imported after this package)
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from .app import build, launch  # noqa: E402

__all__ = ["build", "launch"]
