"""Shipped measurement instruments (YAML package data).

Each ``*.yaml`` file here is one instrument, validated at load time by
:mod:`proeftuin.core.instruments`. An installation can add instruments (for example a licensed
matrix it already uses) or replace these by id through ``PROEFTUIN_INSTRUMENTS_DIR``; do not edit
the shipped files for a local variant.
"""
