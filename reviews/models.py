"""Scoring grids, assignments, conflicts of interest, reviews and decisions."""
