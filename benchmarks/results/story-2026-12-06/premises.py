"""The six premises of the story before/after experiment (issue 14)."""

CATALOGUE = ["divorce-regret", "hidden-heir", "werewolf-rejected-mate"]

CUSTOM = {
    "custom-1923-jazz-club": (
        "In 1923 London, a chorus girl at a Soho jazz club discovers that the club's owner, her fiance, "
        "is smuggling gin for a gangster who killed her brother, and she must hide the ledger that proves "
        "it before the police raid."),
    "custom-hacker-revenge": (
        "A hacker whose father was framed and jailed by his business partner takes a job as the partner's "
        "IT contractor, plants evidence in his servers, and plans to expose him at the company's "
        "shareholder meeting."),
    "custom-mara-quinn": (
        "Mara Quinn, a small-town veterinarian and single mother, learns that the new sheriff who is "
        "courting her is the man who ran her sister off the road ten years ago, and her daughter has found "
        "the wrecked car's license plate in his barn."),
}

SEASONS = CATALOGUE + list(CUSTOM)
