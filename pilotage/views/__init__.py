"""Administrators' steering pages, one module per concept: dashboard, waves, users, pages,
emails."""
