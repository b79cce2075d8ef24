"""Observation files in the exchange formats; ``make_files.py`` writes the binary ones."""
