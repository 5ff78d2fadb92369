"""The scale-out setup (scripts/scale-out) tested through nginx."""
