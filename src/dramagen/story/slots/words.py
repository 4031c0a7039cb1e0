"""Words for the slot checks: tokens, the common and title words a sentence may open with, content words."""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’\-][A-Za-z0-9]+)*")
_CAP_TOKEN = re.compile(r"[A-Z][A-Za-z]*(?:['’\-][A-Za-z]+)*")

# Words that may open a sentence without being a name (mid-sentence they are lowercase anyway).
_COMMON = set("""
a about above across after again against all almost alone along already also although always am an and another any
anyone anything anyway are aren't around as ask at away back be because been before behind being below beneath
beside besides best better between beyond both but by can can't cannot come could couldn't dear did didn't do does
doesn't don't down during each either else enough even ever every everyone everything except far few finally first
for forget forgive from get give go goodbye good great had hadn't has hasn't have haven't he he'd he'll he's her here
here's hers herself hey hi him himself his how however i i'd i'll i'm i've if in inside instead into is isn't it
it's its itself just keep kill leave less let let's like listen look many may maybe me mine more most much must my
myself never new next no nobody none nor not nothing now of off oh ok okay old on once one only or other our ours
out outside over please quiet right run same say see she she'd she'll she's should shouldn't show since so some
someone something soon sorry still stop such take tell than thank thanks that that's the their theirs them then there
there's these they they'd they'll they're this those though through tonight too tomorrow today under unless until up
upon us very wait was wasn't we we'd we'll we're we've well were weren't what what's whatever when where where's
whether which while who who's whoever whole whom whose why will with within without won't would wouldn't yes yet you
you'd you'll you're you've your yours yourself yourselves help hold bring open close call find meet stay trust
believe remember answer kneel move go get put turn walk sit stand breathe drop shut lie fight watch hear try
three two four five ten hundred thousand last tears blood silence later then meanwhile inside outside
everyone nobody somebody anybody all both half someday sometimes always behind across
mom dad mother father sister brother son daughter wife husband baby darling honey love sweetheart grandma grandpa
""".split())

# Capitalised words that are titles, honorifics or common proper words, never a stray name.
_TITLES = set("""
alpha luna beta omega gamma king queen prince princess duke duchess lord lady sir madam miss mr mrs ms dr doctor
ceo boss chairman president director captain officer detective judge father mother god goddess moon sun heaven hell
grandma grandpa mom dad mommy daddy uncle aunt don madame master young lady tv ok okay ii iii
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december christmas valentine's new york paris london
""".split())


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


_STOP = set("""a an the and or but of to in on at by for with from as is are was were be been being it its this that
these those he she they them his her their him i you we me my your our us not no so if then than there here into out
up down over what who whom which when where why how all any some just now can will would could should do does did
has have had one two very too only also more most""".split())


def _content(text: str) -> set[str]:
    out = set()
    for w in _words(text):
        w = w.replace("’", "'")
        if w.endswith("'s"):
            w = w[:-2]
        if len(w) > 2 and w not in _STOP:
            out.add(w)
    return out


def _stem(w: str) -> str:
    for suf in ("ing", "ed", "es", "s"):
        if len(w) > len(suf) + 3 and w.endswith(suf):
            return w[: -len(suf)]
    return w
