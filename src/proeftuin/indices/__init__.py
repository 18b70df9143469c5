"""Shipped price index series (package data), read by ``proeftuin.core.valuation.indices``."""
