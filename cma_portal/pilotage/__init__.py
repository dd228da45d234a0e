"""Administrators' and programme managers' steering pages (/pilotage/)."""
