"""The "in the regional network" flag: which services belong to a *published* network of a year.

The network module is optional for the catalogue and is looked up at run time:

1. if `socplan.network.selectors` offers `published_service_ids(year=…)` (or one of the other names in
   `DEDICATED`), that function is used;
2. else, if it offers the documented reads `versions(user=…, year=…)` and `network_rows(region, year, user=…)`,
   they are called *as an anonymous user*, which the permission layer restricts to published network
   versions (`NetworkVersion.public_q()` = has a publication); the current published version of each region
   gives the service ids;
3. else (no network module, or nothing published for the year) the flag is unknown (`None`) and the
   catalogue says nothing about the network.

The year is `SOCPLAN_CATALOGUE_NETWORK_YEAR` when set; otherwise the current calendar year, or — while the
network of the current year is not published yet (it is negotiated during the year) — the previous year's.
An empty result counts as "nothing published".
"""

from __future__ import annotations

import logging
import os
from datetime import date
from importlib import import_module

from django.db import transaction

log = logging.getLogger(__name__)

DEDICATED = ("published_service_ids", "published_network_service_ids", "network_service_ids")


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


def _selectors():
    try:
        return import_module("socplan.network.selectors")
    except ImportError:
        return None
    except Exception:  # a module under construction must not break the catalogue
        log.exception("socplan.network.selectors could not be imported")
        return None


def published_service_ids(year: int) -> set[int] | None:
    """Ids of services in the published regional network(s) of `year`; None when none is available."""
    sel = _selectors()
    if sel is None:
        return None
    try:
        # a savepoint: a failing query must not abort the caller's transaction (PostgreSQL)
        with transaction.atomic():
            return _read(sel, year)
    except Exception as exc:
        log.warning("reading the published network failed (%s); the catalogue shows no network flag", exc)
        return None


def _read(sel, year: int) -> set[int] | None:
    for name in DEDICATED:
        fn = getattr(sel, name, None)
        if callable(fn):
            ids = fn(year=year)
            return set(ids) if ids else None
    if callable(getattr(sel, "versions", None)) and callable(getattr(sel, "network_rows", None)):
        from django.contrib.auth.models import AnonymousUser

        anonymous = AnonymousUser()
        regions = {v.region_id: v.region for v in sel.versions(user=anonymous, year=year)}
        if not regions:
            return None
        ids: set[int] = set()
        for region in regions.values():
            ids.update(row.service_id for row in sel.network_rows(region, year, user=anonymous))
        return ids or None
    return None
