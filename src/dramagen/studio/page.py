"""The studio page: its components by name (:class:`Page`, filled by each tab's layout) and
what they show for a season on disk (``show_*``: disk → component updates).

Handlers of one tab often refresh others (planning refreshes the Episode, Script and Shots
tabs), so the refreshes live here, above the tabs, and the tabs import them.
"""

from __future__ import annotations

import html
from types import SimpleNamespace
from typing import Any

import gradio as gr

from ..core.errors import DramagenError
from ..core.models import Beat, PinnedBible, SeriesBible
from ..project.season import SeasonDir
from . import cards, edits, outputs, staleness, views


class Page(SimpleNamespace):
    """Every component a handler reads or writes, by name (and ``default_model``, ``model_choices``);
    ``gen_events`` are the generation events that Stop cancels."""

    @property
    def pickers(self) -> list:
        return [self.plan_ep, self.ep_pick, self.sc_pick, self.sh_pick]

    @property
    def options(self) -> list:
        return [self.mode, self.trope_dd, self.custom_text, self.episodes, self.length, self.paywall, self.seed,
                self.model_dd, self.candidates, self.title_pin, self.rating]

    @property
    def bible_form(self) -> list:
        return [self.bible_title, self.title_pinned, self.bible_logline, self.logline_pinned, self.chars_df,
                self.locs_df]

    @property
    def beat_form(self) -> list:
        return [self.beat_action, self.beat_lines, self.beat_chars, self.beat_loc, self.beat_new_scene]

    @property
    def episode_view(self) -> list:
        return [self.timeline, self.beats_view, self.ep_status, self.beat_pick, *self.beat_form]

    @property
    def script_view(self) -> list:
        return [self.fountain, self.runtime_md, self.sc_status]

    @property
    def shots_view(self) -> list:
        return [self.shots_df, self.breakdown, self.gallery, self.sh_status]

    @property
    def everything(self) -> list:
        """What opening a season refreshes."""
        return [self.sess, self.tabs, *self.options, self.card, *self.bible_form, self.plan_df, self.plan_summary,
                *self.pickers, *self.episode_view, *self.script_view, *self.shots_view, self.files]

    @property
    def pending(self) -> list:
        """The fields whose edits are saved before an export or a project save."""
        return [*self.bible_form, self.plan_df, self.ep_pick, self.beat_pick, *self.beat_form, self.sc_pick,
                self.fountain, self.sess]


# --------------------------------------------------------------------------- phone

#: a phone's step selector keeps the page's selected tab when a handler switches tabs (no server call)
SYNC_STEP_JS = """() => { setTimeout(() => {
  const shown = [...document.querySelectorAll('.tabitem[id^="tab-"]')].find(e => e.offsetParent !== null);
  const r = shown && document.querySelector(`#step-select input[value="${shown.id.slice(4)}"]`);
  if (r && !r.checked) r.click();
}, 60); }"""


def step_selector(p: Page, tabs: tuple) -> None:
    """One tap to every step on a phone: a row of the steps above the tabs, shown under 600 px only
    (studio.css; Gradio's own tab bar hides all but two tabs under "…" there)."""
    choices = [(label.replace(" · ", " ").replace("Season plan", "Plan"), tab_id) for tab_id, label, _ in tabs]
    p.step = gr.Radio(choices, value=tabs[0][0], show_label=False, container=False, elem_id="step-select",
                      label="Step")


def wire_phone(p: Page) -> None:
    """The step selector switches tabs and follows the tab shown; each table's phone cards follow it."""
    p.step.change(lambda v: gr.Tabs(selected=v), p.step, p.tabs, queue=False, show_progress="hidden",
                  api_visibility="private")
    p.tabs.change(None, None, None, js=SYNC_STEP_JS, queue=False, show_progress="hidden", api_visibility="private")
    for df, out, kind in ((p.chars_df, p.chars_cards, "characters"), (p.locs_df, p.locs_cards, "locations"),
                          (p.plan_df, p.plan_cards, "plan"), (p.shots_df, p.shots_cards, "shots")):
        df.change(lambda v, k=kind: cards.cards_html(k, v), df, out, queue=False, show_progress="hidden",
                  api_visibility="private")


def cards_box(elem_id: str, kind: str) -> gr.HTML:
    """A table's cards (shown instead of the table under 600 px); an editable table's cards come with
    "Edit as a table", which shows the table again (studio.css, no server call)."""
    box = gr.HTML(cards.cards_html(kind, []), elem_id=elem_id, elem_classes="phone-only")
    if kind in ("characters", "locations", "plan"):
        gr.Checkbox(label="Edit as a table", value=False, elem_id=f"edit-{kind}", elem_classes="phone-only",
                    container=False)
    return box


def empty_table(headers: list[str]) -> dict:
    """An empty table that keeps its column names, also in a tab not drawn yet (a bare [] shows 0 1 2 …)."""
    return gr.update(value=views.no_rows(headers), headers=headers)


def stale(bible: SeriesBible, plan: Any, beats: dict) -> list[staleness.Stale]:
    """Fields naming a character no longer in the bible, and pronouns against the bible's genders."""
    return staleness.stale_names(bible, plan, beats) + staleness.pronoun_issues(bible, plan, beats)


def stale_of(sd: SeasonDir) -> list[staleness.Stale]:
    if not sd.has_bible():
        return []
    plan = sd.load_plan() if sd.has_plan() else None
    return stale(sd.load_bible(), plan, {n: sd.load_beats(n) for n in sd.episodes_done("beats")} if plan else {})


def pick(p: Page, n: int) -> dict:
    return {x: gr.update(value=n) for x in p.pickers}


def show_options(p: Page, sd: SeasonDir) -> dict:
    if not sd.request_path.exists():
        return {}
    r = sd.load_request()
    mode = "Free text" if r.custom_trope else "Catalogue"
    return {p.mode: mode, p.trope_dd: gr.update() if r.custom_trope else r.trope,
            p.custom_text: gr.update(value=r.trope if r.custom_trope else "", visible=r.custom_trope),
            p.card: views.trope_card(mode, r.trope, r.trope), p.episodes: r.episodes, p.length: r.length,
            p.paywall: gr.update(value=r.paywall, info=views.paywall_summary(r.episodes, r.paywall)),
            p.seed: r.seed, p.model_dd: r.model or p.default_model, p.candidates: r.candidates,
            p.title_pin: r.pins.title or "", p.rating: r.rating}


def show_bible(p: Page, sd: SeasonDir) -> dict:
    if not sd.has_bible():
        return {p.bible_title: "", p.bible_logline: "", p.title_pinned: False, p.logline_pinned: False,
                p.chars_df: empty_table(views.CHAR_HEADERS), p.locs_df: empty_table(views.LOC_HEADERS)}
    b = sd.load_bible()
    pins = sd.load_request().pins if sd.request_path.exists() else PinnedBible()
    chars, locs = views.bible_rows(b, pins)
    return {p.bible_title: b.title, p.bible_logline: b.logline, p.title_pinned: pins.title is not None,
            p.logline_pinned: pins.logline is not None, p.chars_df: chars, p.locs_df: locs}


def episode_choices(sd: SeasonDir) -> list[tuple[str, int]]:
    return views.episode_choices(sd.load_plan() if sd.has_plan() else None, sd.episodes_done("beats"))


def show_plan(p: Page, sd: SeasonDir, episode: int | None = None) -> dict:
    if not sd.has_plan():
        return {p.plan_df: empty_table(views.PLAN_HEADERS),
                p.plan_summary: "<p class='studio-hint'>No plan yet: press <b>Plan the season</b> on the Bible "
                                "tab.</p>",
                **{x: gr.update(choices=[], value=None) for x in p.pickers}}
    from ..story.check import check_season

    plan, bible = sd.load_plan(), sd.load_bible()
    done = sd.episodes_done("beats")
    report = check_season(bible, plan, {n: sd.load_beats(n) for n in done}, require_beats=False)
    choices = episode_choices(sd)
    ep = episode if episode and any(v == episode for _, v in choices) else (choices[0][1] if choices else None)
    beats = {n: sd.load_beats(n) for n in done}
    return {p.plan_df: views.plan_rows(plan),
            p.plan_summary: views.plan_summary(bible, plan, len(done), [str(i) for i in report.all_issues()])
            + staleness.warning_html(stale(bible, plan, beats), "plan"),
            **{x: gr.update(choices=choices, value=ep) for x in p.pickers}}


def _beat_form(p: Page, bible: SeriesBible, b: Beat) -> dict:
    return {p.beat_action: b.action, p.beat_lines: views.lines_text(b.lines),
            p.beat_chars: gr.update(choices=bible.names, value=[c for c in b.characters if c in bible.names]),
            p.beat_loc: gr.update(choices=[loc.name for loc in bible.locations], value=b.location),
            p.beat_new_scene: b.new_scene}


def show_episode(p: Page, sd: SeasonDir, n: int | None, beat: int | None = None) -> dict:
    empty = {p.timeline: views.timeline_html(None), p.beats_view: "", p.ep_status: "",
             p.beat_pick: gr.update(choices=[], value=None), p.beat_action: "", p.beat_lines: "",
             p.beat_chars: gr.update(choices=[], value=[]), p.beat_loc: gr.update(choices=[], value=None),
             p.beat_new_scene: False}
    if not n or not sd.has_plan():
        return empty
    n = int(n)
    bible = sd.load_bible()
    ep = sd.load_plan().episode(n)
    if not sd.beats_path(n).exists():
        empty[p.ep_status] = views.episode_status(ep, None)
        return empty
    beats = sd.load_beats(n)
    idx = beat if beat and any(b.index == beat for b in beats.beats) else beats.beats[0].index
    b = next(x for x in beats.beats if x.index == idx)
    found = [f for f in stale(bible, sd.load_plan(), {n: beats}) if f.episode == n and f.tab == "episode"]
    return {p.timeline: views.timeline_html(beats, ep.target_seconds, idx), p.beats_view: views.beats_html(beats, idx),
            p.ep_status: views.episode_status(ep, edits.episode_issues(sd, n)) + staleness.warning_html(found),
            p.beat_pick: gr.update(choices=[(f"Beat {x.index} · {x.kind}", x.index) for x in beats.beats], value=idx),
            **_beat_form(p, bible, b)}


def beats_done(p: Page, sd: SeasonDir, n: int, what: str, beat: int | None = None) -> dict:
    """The Episode tab after beats were written or saved, with ``what`` in its status, and the plan's
    summary (it counts the episodes with beats: the step's outputs must hold ``p.plan_summary``)."""
    note = ""
    if sd.script_path(n).exists():
        note = " The script was written from the earlier beats: press **Write script** to follow them."
    view = show_episode(p, sd, n, beat)
    return {**view, **{x: gr.update(choices=episode_choices(sd), value=n) for x in p.pickers},
            p.plan_summary: show_plan(p, sd, n)[p.plan_summary],  # its count of episodes with beats, checks
            p.ep_status: view[p.ep_status] + f"\n\n✓ {what}.{note}"}


def script_report(sd: SeasonDir, n: int, text: str) -> str:
    """Runtime estimate (±10 % of the target) and the script checks, as HTML."""
    from ..core.timing import estimate_fountain
    from ..screen.fountain import from_fountain
    from ..story.stages.script import script_issues

    ep = sd.load_plan().episode(n)
    try:
        est = estimate_fountain(text)
    except Exception as e:  # noqa: BLE001 - screenplain on half-typed text
        return f"<p class='check-bad'>Cannot read the Fountain yet: {html.escape(str(e)[:200])}</p>"
    try:
        sc = from_fountain(text, sd.load_bible(), n, ep.target_seconds)
        beats = sd.load_beats(n) if sd.beats_path(n).exists() else None
        issues = script_issues(sc, sd.load_bible(), ep, beats=beats)
        # the stored estimate is recomputed on import, so a stale-estimate note is noise here
        issues = [i for i in issues if not i.startswith("[timing.estimate]")]
    except DramagenError as e:
        issues = [str(e)]
    return views.runtime_html(est, ep.target_seconds, issues)


def show_script(p: Page, sd: SeasonDir, n: int | None) -> dict:
    if not n or not sd.has_plan():
        return {p.fountain: "", p.runtime_md: "", p.sc_status: ""}
    n = int(n)
    if not sd.script_path(n).exists():
        return {p.fountain: "", p.runtime_md: "<p class='studio-hint'>No script yet: press <b>Write script</b>.</p>",
                p.sc_status: ""}
    text = edits.fountain_text(sd, n)
    return {p.fountain: text, p.runtime_md: script_report(sd, n, text), p.sc_status: ""}


def show_shots(p: Page, sd: SeasonDir, n: int | None) -> dict:
    if not n or not sd.has_plan() or not sd.shooting_path(int(n)).exists():
        return {p.shots_df: empty_table(views.SHOT_HEADERS), p.breakdown: "", p.gallery: [],
                p.sh_status: "No shooting script yet: press **Make shooting script**." if n else ""}
    n = int(n)
    shooting = sd.load_shooting(n)
    total = sum(s.duration for s in shooting.shots)
    return {p.shots_df: views.shot_rows(shooting), p.breakdown: views.scenes_html(shooting),
            p.gallery: outputs.storyboard_panels(sd, n),
            p.sh_status: f"Episode {n}: {len(shooting.shots)} shots in {len(shooting.scenes)} scenes, {total:.1f} s."}


def show_episode_tabs(p: Page, sd: SeasonDir, n: int | None) -> dict:
    """The Episode, Script and Shots tabs for episode ``n``."""
    return {**show_episode(p, sd, n), **show_script(p, sd, n), **show_shots(p, sd, n)}


def show_all(p: Page, sd: SeasonDir, episode: int | None = None) -> dict:
    out = {**show_options(p, sd), **show_bible(p, sd), **show_plan(p, sd, episode)}
    ep = episode
    if ep is None and sd.has_plan():
        done = sd.episodes_done("beats")
        ep = done[0] if done else 1
    out.update(show_episode_tabs(p, sd, ep))
    out[p.files] = None
    return out
