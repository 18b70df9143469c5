"""Small Django helpers shared by every capability app (versioning, tenancy-aware views)."""
