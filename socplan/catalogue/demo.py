"""Catalogue demo: build the catalogue entries of the demo region (fast: bulk reads and inserts).

The demo deployment also holds the national registry extract of the other kraje (for the national comparisons):
the public catalogue lists the demo kraj only, as a kraj's own deployment would."""

from socplan.registry.demo import DEMO_REGION

from .services import catalogue_regions_set


def demo_load() -> dict:
    return catalogue_regions_set(actor=None, region_codes=[DEMO_REGION])
