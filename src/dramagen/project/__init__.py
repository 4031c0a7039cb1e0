"""A season as a project: its folder, the pipeline, batch, the service layer and the writer's
actions (docs/architecture.md, section 2)."""
