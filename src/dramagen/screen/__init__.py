"""From script to screen: Fountain, shooting scripts, storyboards, exports, the animatic and
production schedules (docs/architecture.md, section 2)."""
