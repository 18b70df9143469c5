"""Shipped +1 advisor rules (YAML package data).

``advisor_rules.yaml`` holds the advice rules, the deadline rule and how each route's and
strategy's preconditions are judged from a project's facts. It is validated at load time by
:mod:`proeftuin.core.advisor.loader`. An installation layers its own files on top through
``PROEFTUIN_ADVICE_DIR`` (add, replace or disable rules); do not edit the shipped file for a local
variant.
"""
