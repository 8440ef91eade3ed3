"""The build: plan, jobs side by side, the content-addressed store, atomic output, release."""
