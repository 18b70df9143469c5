"""The pure domain core: the logic that must be right, with no Django imports.

Django apps call into these modules; the modules never call back. Each is tested on its own
(``tests/unit``).
"""
