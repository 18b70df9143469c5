"""Reference scenarios ("zonder aanpak") for the case timeline, as data (YAML)."""
