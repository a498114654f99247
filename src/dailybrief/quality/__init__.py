"""Report quality on labelled real coverage: evaluation cases, text detectors, scoring, a
TF-IDF baseline and the runner behind `dailybrief eval report` (docs/quality.md)."""
