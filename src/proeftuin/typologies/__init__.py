"""Typologies as data (YAML): how residents take part in a pilot."""
