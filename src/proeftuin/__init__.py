"""Proeftuin: van proeftuin naar praktijk.

Open-source software for Dutch municipalities and their partners to find out which social-domain
pilots work, show it with numbers and stories, and keep the good ones alive.
"""

__version__ = "0.1.0"
