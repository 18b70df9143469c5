"""Neighbourhood indicator sets as data (YAML)."""
