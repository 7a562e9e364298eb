"""The "in the regional network" flag: which services belong to a *published* network of a year.

`socplan.network.selectors.published_service_ids(year)` gives the services of the current published network
version of every kraj; an empty result means nothing is published for that year, and the catalogue then says
nothing about the network.

The year is `SOCPLAN_CATALOGUE_NETWORK_YEAR` when set; otherwise the current calendar year, or — while the
network of the current year is not published yet (it is negotiated during the year) — the previous year's.
"""

from __future__ import annotations

import os
from datetime import date

from socplan.network.selectors import published_service_ids as network_published_service_ids


def network_years() -> list[int]:
    """The years to try, in order."""
    value = os.environ.get("SOCPLAN_CATALOGUE_NETWORK_YEAR", "").strip()
    if value.isdigit():
        return [int(value)]
    year = date.today().year
    return [year, year - 1]


def network_membership() -> tuple[set[int] | None, int | None]:
    """(service ids, year) of the first year in `network_years()` with a published network, else (None, None)."""
    for year in network_years():
        ids = published_service_ids(year)
        if ids:
            return ids, year
    return None, None


def published_service_ids(year: int) -> set[int] | None:
    """Ids of services in the published regional network(s) of `year`; None when nothing is published."""
    return network_published_service_ids(year) or None
