"""Catalogue demo: build the catalogue entries of the demo region (fast: bulk reads and inserts)."""

from .services import catalogue_refresh


def demo_load() -> dict:
    return catalogue_refresh()
