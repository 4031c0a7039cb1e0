"""The studio's projects (dramagen.studio.workspace) without a server: every season is a folder of
the workspace from its first step (autosave), two sessions never get the same folder, and
projects are renamed, duplicated and deleted safely."""

from __future__ import annotations

import threading

import pytest

pytest.importorskip("gradio")

from dramagen.core.errors import InputError  # noqa: E402
from dramagen.core.models import SeasonRequest  # noqa: E402
from dramagen.studio import session, workspace  # noqa: E402


@pytest.fixture
def ws(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAMAGEN_WORKSPACE", str(tmp_path / "ws"))
    return tmp_path / "ws"


def _season(sess: session.Session, hint: str = "hidden-heir"):
    sd = workspace.new_season(sess, hint)
    sd.write_request(SeasonRequest(trope="hidden-heir", episodes=10, paywall=2))
    return sd


def test_a_new_season_is_a_workspace_folder_of_its_own(ws):
    """Eight sessions starting a season at once get eight folders; each is a project at once."""
    sessions = [session.Session() for _ in range(8)]
    threads = [threading.Thread(target=_season, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    names = [workspace.project_of(s) for s in sessions]
    assert sorted(names) == sorted(workspace.projects()) and len(set(names)) == 8
    assert "hidden-heir" in names and "hidden-heir-2" in names
    assert all((ws / n / "request.json").exists() for n in names)
    # a session that goes away leaves its season in the workspace
    session.delete_session(sessions[0])
    assert (ws / names[0] / "request.json").exists() and sessions[0].dir is None


def test_rename_duplicate_delete(ws):
    a, b = session.Session(), session.Session()
    sd = _season(a)
    name = sd.path.name
    dup = workspace.duplicate_project(name)
    assert dup.name == "hidden-heir-copy" and (dup / "request.json").read_bytes() == sd.request_path.read_bytes()
    target = workspace.rename_project(name, "My Heir", a)
    assert target.name == "My Heir" and workspace.project_of(a) == "My Heir" and not sd.path.exists()
    with pytest.raises(InputError, match="new name"):
        workspace.rename_project("My Heir", "hidden-heir-copy", a)  # taken
    for bad in ("../x", "a/b", "", ".."):
        with pytest.raises(InputError):
            workspace.rename_project("My Heir", bad, a)
    # a project another session works on is not renamed or deleted under it
    workspace.open_workspace(b, "My Heir")
    with pytest.raises(InputError, match="open in another tab"):
        workspace.delete_project("My Heir", a)
    with pytest.raises(InputError, match="open in another tab"):
        workspace.save_to_workspace(workspace.SeasonDir(dup), "My Heir", a)  # not replaced under b either
    b.forget()
    workspace.delete_project("My Heir", a)
    assert a.dir is None and workspace.projects() == ["hidden-heir-copy"]
    with pytest.raises(InputError, match="project"):
        workspace.delete_project("My Heir", a)


def test_describe_and_scratch(ws):
    s = session.Session()
    sd = _season(s)
    row = workspace.describe(sd.path)
    assert row["name"] == "hidden-heir" and row["episodes"] == 10 and row["title"] == "" and row["modified"] > 0
    scratch = workspace.scratch(sd.path)
    assert scratch.is_dir() and ws not in scratch.parents  # drawings and exports stay out of the workspace
    assert workspace.scratch(sd.path) == scratch
