"""Shipped assessment framework definitions (YAML package data).

Each ``*.yaml`` file here is one framework, validated at load time by
:mod:`proeftuin.core.frameworks.loader`. An installation can add frameworks or replace these by id
through ``PROEFTUIN_FRAMEWORKS_DIR``; do not edit the shipped files for a local variant.
"""
