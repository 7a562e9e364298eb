"""The totals of a network version (`network_totals`, arithmetic in `engine.totals`) equal the per-row
computation they replaced: every entry read as a model instance and added with `TotalRow.add`, one by one."""

from decimal import Decimal

import pytest

from socplan.network.engine.totals import TotalRow
from socplan.network.models import NetworkVersion, Tier
from socplan.network.selectors import _entries, _kind_order, _orp_weights, _population, network_totals
from socplan.registry.models import PlanningGroup, ServiceArea, ServiceTargetGroup, TargetGroup
from socplan.territory.models import Level, Orp
from tests.factories import NetworkEntryFactory, NetworkVersionFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def per_row_totals(version):
    """The previous implementation: model instances, `TotalRow.add` per entry and per ORP / group."""
    from django.db.models import Prefetch

    entries = list(_entries(version).prefetch_related(
        Prefetch("service__target_group_links", queryset=ServiceTargetGroup.objects.select_related("target_group"))))
    by_kind, by_tier, by_orp, by_district, by_group = {}, {}, {}, {}, {}
    total = TotalRow("total", "celkem")
    weights = _orp_weights(entries)
    orps = {o.pk: o for o in Orp.objects.filter(region=version.region).select_related("district")}
    for e in entries:
        s = e.service
        total.add(e)
        by_kind.setdefault(s.kind.code, TotalRow(s.kind.code, str(s.kind), url=s.kind.code)).add(e)
        by_tier.setdefault(e.tier.code, TotalRow(e.tier.code, e.tier.name)).add(e)
        for orp_id, w in weights[e.pk]:
            o = orps.get(orp_id)
            if o is None:
                continue
            by_orp.setdefault(o.code, TotalRow(o.code, o.name)).add(e, w)
            by_district.setdefault(o.district.code, TotalRow(o.district.code, o.district.name)).add(e, w)
        groups = {tg.target_group.planning_group for tg in s.target_group_links.all() if tg.target_group.planning_group}
        for g in sorted(groups):
            by_group.setdefault(g, TotalRow(g, str(PlanningGroup(g).label))).add(e)
    for rows, level in ((by_orp, Level.ORP), (by_district, Level.DISTRICT)):
        pop = _population(level, rows)
        for code, row in rows.items():
            row.population = pop.get(code)
    from socplan.network.selectors import version_parameters

    order = {t.code: t.order for t in Tier.objects.filter(parameters=version_parameters(version))}
    return {
        "total": total, "units": sorted(total.capacity),
        "by_kind": sorted(by_kind.values(), key=lambda r: _kind_order(r.key)),
        "by_tier": sorted(by_tier.values(), key=lambda r: (order.get(r.key, 99), r.key)),
        "by_orp": sorted(by_orp.values(), key=lambda r: r.label),
        "by_district": sorted(by_district.values(), key=lambda r: r.label),
        "by_group": sorted(by_group.values(), key=lambda r: r.key),
    }


def plain(totals: dict) -> dict:
    """Every value with its Decimal digits and exponent (`repr`), so 1.50 and 1.5 differ."""
    def row(r):
        return (r.key, r.label, repr(r.entries), repr(r.fte), sorted((u, repr(c)) for u, c in r.capacity.items()),
                r.population, r.url)

    return {k: [row(r) for r in v] if k.startswith("by_") else (row(v) if k == "total" else v)
            for k, v in totals.items()}


def test_totals_equal_the_per_row_computation_with_fractional_weights(db):
    """Services entrusted for three ORPs with declared shares (weights 1/3 and 2/7 …, rounded Decimal
    products), one without shares (equal weights), entries by part (own ORP) and target groups."""
    version = NetworkVersionFactory(year=2031)
    orps = list(Orp.objects.filter(region=version.region).order_by("code")[:4])
    groups = list(TargetGroup.objects.filter(planning_group__isnull=False).order_by("pk")[:3])
    shares = [(1, 1, 1), (2, 3, 2), None, (Decimal("0.5"), Decimal("0.25"), Decimal("0.25"))]
    for n, share in enumerate(shares):
        service = ServiceFactory(kind="49" if n % 2 else "48")
        for i, o in enumerate(orps[n % 2:n % 2 + 3]):
            ServiceArea.objects.create(service=service, orp=o, share=share[i] if share else None)
        for g in groups[: n + 1]:
            ServiceTargetGroup.objects.create(service=service, target_group=g)
        NetworkEntryFactory(network=version, service=service, capacity=7 + n, fte=Decimal("1.35") * (n + 1))
    NetworkEntryFactory(network=version, service=ServiceFactory(kind="49"), capacity=5, fte=Decimal("0.50"),
                        orp=orps[0], orps=[])
    totals = network_totals(version)
    assert plain(totals) == plain(per_row_totals(version))
    # rounded products were in play (a third of a capacity has 28 significant digits)
    assert any(c.as_tuple().exponent < -10 for r in totals["by_orp"] for c in r.capacity.values())


def test_totals_equal_the_per_row_computation_on_the_demo(db):
    versions = list(NetworkVersion.objects.all())
    assert versions, "the demo has network versions"
    for version in versions:
        assert plain(network_totals(version)) == plain(per_row_totals(version)), version
