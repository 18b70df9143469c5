"""The case timeline (*casusverloop*): help over time against a reference scenario "zonder aanpak".

Pure: :mod:`.costing` prices events and sums them, :mod:`.references` loads the reference
templates (YAML with sources), :mod:`.charts` draws the two timelines and the cumulative cost.
"""
