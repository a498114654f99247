"""The unattended daily run: `job` (collect → build → review gate → publish, once per date, logged
in `runs`), `alert` (one message when a run fails) and `scheduler` (APScheduler at the configured
local time, with catch-up of a missed day)."""
