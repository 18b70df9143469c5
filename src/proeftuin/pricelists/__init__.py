"""Shipped social price lists (*maatschappelijke prijslijst*), as YAML package data.

Each ``*.yaml`` file here is validated at load time by :mod:`proeftuin.core.valuation.pricelist`.
An installation fills in its own unit values, or adds prices, through ``PROEFTUIN_PRICELISTS_DIR``:
an entry there replaces the shipped entry with the same key. Do not edit the shipped files for a
local figure, and never replace ``onbekend`` by a number without a source.
"""
