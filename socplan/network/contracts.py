"""What the network needs from the finance module, by explicit dependency inversion.

The network is below finance in the order of apps, so it may not import it. Yet its co-financing condition
("the municipalities declared at least the required share") needs the required municipal share of each entry,
and that share is defined once, in finance: ``required = round_half_up(rate × optimised cost)``, where the rate
is the network's yearly parameter and the optimised cost (ON) is computed by the finance engine from the
normatives. So the network states what it needs as a :class:`CofinancingSource` protocol, and the finance module
registers its implementation when Django starts (``FinanceConfig.ready()``):

* :func:`register_cofinancing_source` – called once by the implementing app;
* :func:`cofinancing_source` – the registered source; raises ``ImproperlyConfigured`` when nothing is
  registered (there is no fallback: a missing implementation must fail, not silently pass every entry);
* the system check ``network.E001`` fails ``manage.py check`` in the same case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, runtime_checkable

from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class RequiredShare:
    """The required municipal co-financing of one network entry or development request.

    ``required`` is whole CZK, or ``None`` when it cannot be computed (then ``note`` says why, in Czech: the year
    has no financing parameters, the kind has no normative …). ``rate`` is in per cent, ``optimised_cost`` the ON
    it applies to. ``declared`` is what the municipalities declared for it (for an entry: the service's
    declarations of the year apportioned among the service's entries, exactly as the finance statement shows them).
    """

    required: Decimal | None
    rate: Decimal | None = None
    optimised_cost: Decimal | None = None
    declared: Decimal = Decimal(0)
    note: str = ""


@runtime_checkable
class CofinancingSource(Protocol):
    """The co-financing rule as the network reads it."""

    def required_by_entry(self, version) -> Mapping[int, Decimal]:
        """Entry pk → required municipal share (whole CZK) for every entry of ``version`` whose share is known."""

    def shares_by_entry(self, version) -> Mapping[int, RequiredShare]:
        """Entry pk → :class:`RequiredShare` for every entry of ``version`` (unknown shares with their reason)."""

    def share_for_request(self, request) -> RequiredShare:
        """The required share of a development request, as the entry it would become (its capacity and FTE)."""


_SOURCE: list[CofinancingSource] = []


def register_cofinancing_source(source: CofinancingSource) -> None:
    """Register the implementation (the finance module does it in its ``AppConfig.ready``); replaces any earlier."""
    if not isinstance(source, CofinancingSource):
        raise TypeError(f"{source!r} does not implement CofinancingSource")
    _SOURCE[:] = [source]


def cofinancing_source() -> CofinancingSource:
    """The registered co-financing source; ImproperlyConfigured when none is registered."""
    if not _SOURCE:
        raise ImproperlyConfigured(
            "No co-financing source is registered: the finance app must call "
            "socplan.network.contracts.register_cofinancing_source() in its AppConfig.ready().")
    return _SOURCE[0]


def check_cofinancing_source(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """System check network.E001: a co-financing source must be registered."""
    if _SOURCE:
        return []
    return [checks.Error(
        "No co-financing source is registered for the network's co-financing condition.",
        hint="Install the finance app (it registers one in FinanceConfig.ready()) or register another "
             "implementation with socplan.network.contracts.register_cofinancing_source().",
        id="network.E001")]
