"""The core: the data model, the screen-time estimator, seeds, errors, settings, text helpers and
prompts (docs/architecture.md, section 2)."""
