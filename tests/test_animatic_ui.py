"""The studio's Animatic button (Shots tab): open a project, make episode 1's animatic, get a playable MP4."""

from __future__ import annotations

import pytest

from .animatic_helpers import ffprobe, make_season

gr = pytest.importorskip("gradio")
gradio_client = pytest.importorskip("gradio_client")


def test_animatic_button_makes_a_video_for_the_picked_episode(tmp_path, monkeypatch):
    from pathlib import Path

    from dramagen import studio

    monkeypatch.setenv("DRAMAGEN_WORKSPACE", str(tmp_path / "ws"))
    make_season(tmp_path / "ws" / "tiny")
    demo = studio.build()
    demo.queue()
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    _, url, _ = demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=port)
    try:
        c = gradio_client.Client(url, verbose=False)
        c.predict("tiny", None, api_name="/open_project")
        video, status = c.predict(1, "540×960 (quick)", False, api_name="/animatic")
        path = Path(video["video"] if isinstance(video, dict) else video)
        v = next(s for s in ffprobe(path)["streams"] if s["codec_type"] == "video")
        assert (v["width"], v["height"], v["codec_name"]) == (540, 960, "h264")
        assert "Episode 1: animatic 14.5 s" in status and "spoken runtime" in status
        with pytest.raises(Exception, match="episode"):
            c.predict(2, "540×960 (quick)", False, api_name="/animatic")  # no shooting script: a message
    finally:
        demo.close()
