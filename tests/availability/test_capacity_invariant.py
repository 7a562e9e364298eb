"""One truth for the capacity of a service in a year: over the demo, the capacity evaluation, finance and
availability compute with is, for every service and year, the figure of ``registry.selectors.service_capacities``
(the approved network's figure where the network states one, else the registry rule).

Each module's figure is gathered through its own adapter, the way its pages and API get it."""

from __future__ import annotations

import math
from collections import defaultdict

import pytest

from socplan.availability import adapter as availability
from socplan.evaluation.adapter import input_frame
from socplan.finance.adapter import network_frame
from socplan.network.selectors import current_version
from socplan.registry.selectors import service_capacities
from socplan.territory.models import Region

pytestmark = pytest.mark.django_db

YEARS = (2025, 2026)  # the demo's approved network year and its draft year


@pytest.fixture
def kraj():
    return Region.objects.defer("boundary").get(code="CZ064")


def evaluation_used(region, year) -> dict[int, tuple[int, str]]:
    inputs = input_frame(region, year)
    f = inputs.frame.set_index("service_id")
    out = {}
    for sid in f.index:
        cap, unit = f.at[sid, "capacity"], inputs.meta.at[sid, "capacity_type"]
        out[int(sid)] = (0 if math.isnan(cap) else int(cap), unit or None)
    return out


def finance_used(region, year) -> dict[int, tuple[int, str]]:
    f = network_frame(region, year).frame
    caps, units = defaultdict(int), defaultdict(set)
    for pk, cap, unit in zip(f["service_pk"], f["capacity"], f["capacity_type"], strict=True):
        caps[int(pk)] += int(cap)
        if cap:
            units[int(pk)].add(unit)
    assert all(len(u) == 1 for u in units.values()), "a service's parts are counted in one unit"
    return {pk: (cap, next(iter(units[pk]), None)) for pk, cap in caps.items()}


def availability_used(region, year) -> dict[int, tuple[int, str]]:
    snap = availability.snapshot(region.code)
    frame = availability.territory(region.code)
    out = {}
    for kind in sorted(snap.kinds()):
        unit = availability.kind_unit(snap, kind)
        sup = availability.supply(snap, frame, kind=kind, unit=unit, year=year, band="total")
        out.update({pk: (round(v, 6), unit) for pk, v in sup.used.items()})
    return out


@pytest.mark.parametrize("year", YEARS)
def test_every_module_uses_the_same_capacity(kraj, year):
    truth = service_capacities(None, year, region=kraj)
    ev = evaluation_used(kraj, year)
    fin = finance_used(kraj, year)
    av = availability_used(kraj, year)
    assert len(ev) > 400 and len(fin) > 400 and len(av) > 400
    for sid, (cap, unit) in ev.items():
        t = truth[sid]
        assert (cap, unit) == (t.capacity, t.capacity_type), ("evaluation", sid)
    for sid, (cap, unit) in fin.items():
        t = truth[sid]
        assert cap == t.capacity and unit in (None, t.capacity_type), ("finance", sid)
    for sid, (cap, unit) in av.items():
        t = truth[sid]
        assert (cap, unit) == (t.capacity, t.capacity_type), ("availability", sid)
    # the services the three have in common are many: the comparison is not vacuous
    assert len(set(ev) & set(fin) & set(av)) > 300


def test_the_approved_network_figure_wins_everywhere(kraj):
    """The demo's 2025 network raised five capacities above the registry: all modules read the raised figure."""
    version = current_version(kraj, 2025)
    assert version.is_approved
    stated = service_capacities(None, 2025, region=kraj)
    registered = service_capacities(None, 2025, region=kraj, registry_only=True)
    raised = [sid for sid, c in stated.items() if c.source == "network" and c.capacity != registered[sid].capacity]
    assert len(raised) == 5
    assert {stated[sid].capacity - registered[sid].capacity for sid in raised} == {5}
    assert all(stated[sid].ref == f"{version.label} (schválená)" for sid in raised)
    ev, fin, av = evaluation_used(kraj, 2025), finance_used(kraj, 2025), availability_used(kraj, 2025)
    for sid in raised:
        assert ev[sid][0] == stated[sid].capacity
        if sid in fin:  # reserve-tier entries are not funded
            assert fin[sid][0] == stated[sid].capacity
        if sid in av:
            assert av[sid][0] == stated[sid].capacity
    # the draft year has no stated figure: everybody reads the registry
    assert {c.source for c in service_capacities(None, 2026, region=kraj).values()} == {"registry"}


def test_coverage_of_the_approved_year_equals_its_network_column(kraj):
    from socplan.availability import selectors
    from socplan.registry.models import ServiceKind
    from socplan.territory.models import Level

    report = selectors.coverage_report(region=kraj, kind=ServiceKind.objects.get(code="49"), year=2025,
                                       level=Level.ORP)
    assert report.network_available
    assert report.total.capacity_network == pytest.approx(report.total.capacity)
