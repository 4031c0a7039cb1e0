"""The story layer: premise, story ledger, events, continuity (docs/architecture.md, "Story")."""
