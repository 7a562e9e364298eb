"""The money of the other network layers in finance (docs/financing.md §13).

A service of the kraj's network may also be in MPSV's supra-regional network or in a city's own network, and the
owner of that layer may fund it (``network.layers``: funder and amount of a membership). Finance shows that money
separately from the kraj's (the financial chapter and the co-financing page: "Další sítě") and adds it to the
public money of the service in the overcompensation check (Decision 2012/21/EU: *all* compensation from public
sources counts, whoever pays it).

The provider's approved actual budget reports the kraj's and the other public money it received through the
kraj's programme and co-financing declarations; the money of another layer is paid under that layer's own
contract and is counted from the layer, as a separate public source named after the layer and its funder.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from socplan.network import layers as network_layers

from . import engine

ZERO = Decimal(0)
FundedMembership = network_layers.FundedMembership


def source_key(m: FundedMembership) -> str:
    """The public source's name in the check: the layer and who pays (e.g. "síť města Brna (Statutární město
    Brno)")."""
    return f"{m.layer} ({m.funder})"


@dataclass(frozen=True)
class LayerMoney:
    """The other layers' money of a kraj and year: per membership and per layer."""

    rows: tuple[FundedMembership, ...]
    by_layer: tuple[tuple[str, str, Decimal], ...]  # (layer, funder, amount)
    total: Decimal

    @property
    def synthetic(self) -> bool:
        return any(r.synthetic for r in self.rows)


def layer_money(region, year: int, *, user=None) -> LayerMoney:
    """The money of the other layers for the kraj's services in the year (what the user may see)."""
    rows = tuple(network_layers.funded_memberships(region=region, year=year, user=user))
    sums: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for r in rows:
        sums[(r.layer, r.funder)] += r.amount
    by_layer = tuple((layer, funder, amount) for (layer, funder), amount in sorted(sums.items()))
    return LayerMoney(rows, by_layer, sum((r.amount for r in rows), ZERO))


def money_by_service_year(memberships: Iterable[FundedMembership]) -> dict[tuple[int, int], dict[str, Decimal]]:
    """(service id, year) → {public source: amount} of the other layers."""
    out: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(dict)
    for m in memberships:
        key = source_key(m)
        sources = out[(m.service_id, m.year)]
        sources[key] = sources.get(key, ZERO) + m.amount
    return out


def with_layer_money(account: engine.YearAccount, sources: dict[str, Decimal]) -> engine.YearAccount:
    """The year's account with the other layers' money added as public sources (framework-free)."""
    if not sources:
        return account
    compensation = dict(account.compensation)
    for key, amount in sources.items():
        compensation[key] = compensation.get(key, ZERO) + amount
    return replace(account, compensation=compensation)


def accounts_with_layers(accounts: Sequence[engine.YearAccount], *, provider) -> list[engine.YearAccount]:
    """Add every funder's money of the other layers to the provider's year accounts (for the multi-year
    overcompensation check)."""
    if not accounts:
        return list(accounts)
    memberships = network_layers.funded_memberships(
        provider=provider, years={a.year for a in accounts}, service_ids={a.service_id for a in accounts})
    money = money_by_service_year(memberships)
    return [with_layer_money(a, money.get((a.service_id, a.year), {})) for a in accounts]


def provider_layer_rows(provider, years: Iterable[int], *, user=None) -> list[FundedMembership]:
    """The other layers' money of the provider's services in the years (shown beside the check)."""
    return network_layers.funded_memberships(provider=provider, years=set(years), user=user)
