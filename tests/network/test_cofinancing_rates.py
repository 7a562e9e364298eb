"""Municipal co-financing rates (network.engine.cofinancing, the network's yearly parameters) and the contract
through which the network reads the required share from the finance module (network.contracts)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from socplan.network import contracts
from socplan.network.engine.cofinancing import (
    BAND_MAX,
    BAND_MIN,
    CofinancingRates,
    RateKey,
    clamp_to_band,
    in_band,
    rate_error,
)
from socplan.network.models import KindParameter, NetworkParameters
from tests import factories as f

# --- the band -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rate, ok", [(0, True), (10, True), ("12.5", True), (20, True), ("9.99", False),
                                      ("20.01", False), (5, False), (100, False), ("0.01", False)])
def test_a_rate_is_zero_or_within_ten_to_twenty_percent(rate, ok):
    assert in_band(rate) is ok
    assert (rate_error(rate) is None) is ok


def test_the_error_is_czech_and_names_the_value():
    assert rate_error(Decimal("7.5")) == ("Sazba spolufinancování obcí musí být 0 % (kraj spolufinancování "
                                          "nevyžaduje) nebo v rozmezí 10–20 % optimalizovaných nákladů; zadáno 7,5 %.")
    assert rate_error(None) is None


@given(st.decimals(min_value=0, max_value=100, places=2))
def test_clamping_always_lands_in_the_band(rate):
    clamped = clamp_to_band(rate)
    assert in_band(clamped)
    assert clamped == rate if in_band(rate) else clamped in (BAND_MIN, BAND_MAX)
    assert (clamped == 0) is (rate == 0)


# --- which rate an entry gets ---------------------------------------------------------------------------------

RATES = CofinancingRates(
    region_code="CZ064", year=2031,
    by_kind={RateKey("40", "ter", "docasna"): Decimal(18), RateKey("40", "ter"): Decimal(15),
             RateKey("40", None, "zasobnik"): Decimal(0), RateKey("40"): Decimal(12),
             RateKey("65", None, "docasna"): Decimal(10)},
    by_category={"pece": Decimal(10), "prevence": Decimal(20), "poradenstvi": Decimal(10)},
    general=Decimal(11))


@pytest.mark.parametrize("kind, form, tier, category, rate, source", [
    ("40", "ter", "docasna", "pece", 18, "druh, forma a úroveň sítě"),
    ("40", "ter", "zakladni", "pece", 15, "druh a forma"),
    ("40", "ter", "zasobnik", "pece", 15, "druh a forma"),  # kind + form wins over kind + tier
    ("40", "amb", "zasobnik", "pece", 0, "druh a úroveň sítě"),
    ("40", "amb", "zakladni", "pece", 12, "druh"),
    ("40", None, None, "pece", 12, "druh"),
    ("65", "ter", "docasna", "prevence", 10, "druh a úroveň sítě"),
    ("65", "ter", "zakladni", "prevence", 20, "kategorie druhu"),
    ("39", "ter", "zakladni", "pece", 10, "kategorie druhu"),
    ("XX", "ter", "zakladni", "", 11, "obecná sazba"),
])
def test_lookup_order_kind_form_tier(kind, form, tier, category, rate, source):
    assert RATES.lookup(kind, form, tier, category) == (Decimal(rate), source)


# --- the stored parameters ---------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_settings_refuse_a_rate_outside_the_band():
    p = f.NetworkParametersFactory(year=2031)
    p.cofinancing_rate_care = Decimal(8)
    with pytest.raises(ValidationError) as exc:
        p.full_clean()
    assert "cofinancing_rate_care" in exc.value.message_dict
    assert "10–20 %" in exc.value.message_dict["cofinancing_rate_care"][0]
    p.cofinancing_rate_care = Decimal(0)
    p.full_clean()
    # and the database refuses it too (check constraint)
    with pytest.raises(IntegrityError), transaction.atomic():
        NetworkParameters.objects.filter(pk=p.pk).update(cofinancing_rate_prevention=Decimal(25))


@pytest.mark.django_db
def test_kind_rows_refuse_a_rate_outside_the_band_and_tier_rows_carry_only_a_rate():
    p = f.NetworkParametersFactory(year=2031)
    with pytest.raises(ValidationError) as exc:
        f.KindParameterFactory(parameters=p, cofinancing_rate=Decimal("9.5"))
    assert "cofinancing_rate" in exc.value.message_dict
    basic = p.tiers.get(code="zakladni")
    row = f.KindParameterFactory(parameters=p, tier=basic, cofinancing_rate=Decimal(0))
    assert str(row).endswith("– základní síť")
    with pytest.raises(ValidationError) as exc:
        f.KindParameterFactory(parameters=p, kind="65", tier=basic, cofinancing_rate=Decimal(15),
                               optimal_cost=Decimal(900_000))
    assert "optimal_cost" in exc.value.message_dict
    other = f.NetworkParametersFactory(year=2032)
    with pytest.raises(ValidationError) as exc:
        f.KindParameterFactory(parameters=other, tier=basic)
    assert "tier" in exc.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        KindParameter.objects.filter(pk=row.pk).update(cofinancing_rate=Decimal(30))


@pytest.mark.django_db
def test_one_row_per_kind_form_and_tier():
    p = f.NetworkParametersFactory(year=2031)
    basic = p.tiers.get(code="zakladni")
    f.KindParameterFactory(parameters=p, form="ter", tier=basic)
    f.KindParameterFactory(parameters=p, form="ter")  # another tier (all) is another row
    f.KindParameterFactory(parameters=p, tier=basic)
    f.KindParameterFactory(parameters=p)
    for kwargs in ({"form": "ter", "tier": basic}, {"form": "ter"}, {"tier": basic}, {}):
        with pytest.raises(ValidationError):
            f.KindParameterFactory(parameters=p, **kwargs)


@pytest.mark.django_db
def test_the_selector_resolves_the_stored_rates_and_a_copy_keeps_the_tier():
    from socplan.network.selectors import cofinancing_rates
    from socplan.network.services import build_parameters

    p = f.NetworkParametersFactory(year=2031)  # a copy of the kraj's latest settings (the demo's 2026)
    temporary = p.tiers.get(code="docasna")
    f.KindParameterFactory(parameters=p, kind="63", tier=temporary, cofinancing_rate=Decimal(10))
    f.KindParameterFactory(parameters=p, kind="48", form="pob", cofinancing_rate=Decimal(12))
    rates = cofinancing_rates(p.region, 2031)
    assert rates.rate_for("63", "amb", "docasna", "prevence") == 10
    assert rates.rate_for("63", "amb", "zakladni", "prevence") == 20
    assert rates.rate_for("48", "pob", "zakladni", "pece") == 12
    assert rates.rate_for("40", "ter", "zakladni", "pece") == 10
    assert rates.rate_for("41", "ter", "zakladni", "pece") == 0  # the demo's row, copied
    nxt = build_parameters(region=p.region, year=2032, copy_from=p)
    row = nxt.kind_parameters.get(kind__code="63")
    assert row.tier.parameters_id == nxt.pk and row.tier.code == "docasna"
    assert cofinancing_rates(p.region, 2032).rate_for("63", "amb", "docasna", "prevence") == 10


@pytest.mark.django_db
def test_every_stored_rate_of_the_demo_is_zero_or_in_the_band():
    rates = [r for p in NetworkParameters.objects.all() for r in (
        p.cofinancing_rate, p.cofinancing_rate_prevention, p.cofinancing_rate_counselling, p.cofinancing_rate_care)]
    rates += list(KindParameter.objects.exclude(cofinancing_rate=None).values_list("cofinancing_rate", flat=True))
    assert len(rates) > 8
    assert all(in_band(r) for r in rates), [r for r in rates if not in_band(r)]
    # the demo: prevention 20 %, a zero rate for a kind the demo kraj does not require, a tier row
    assert NetworkParameters.objects.filter(region__code="CZ064", cofinancing_rate_prevention=20).exists()
    assert KindParameter.objects.filter(parameters__region__code="CZ064", cofinancing_rate=0).exists()
    assert KindParameter.objects.filter(parameters__region__code="CZ064", tier__isnull=False).exists()


# --- the contract ---------------------------------------------------------------------------------------------

def test_finance_registers_the_source():
    from socplan.finance.apps import _CofinancingSource
    from socplan.finance.selectors import CofinancingSource

    source = contracts.cofinancing_source()
    # the finance app registers a stand-in that imports its selectors (numpy, pandas) at the first call
    assert isinstance(source, _CofinancingSource) and isinstance(source._source(), CofinancingSource)
    assert isinstance(source, contracts.CofinancingSource)  # the protocol (runtime check)
    assert contracts.check_cofinancing_source() == []


def test_without_a_source_the_network_fails_loudly(monkeypatch):
    monkeypatch.setattr(contracts, "_SOURCE", [])
    with pytest.raises(ImproperlyConfigured):
        contracts.cofinancing_source()
    errors = contracts.check_cofinancing_source()
    assert [e.id for e in errors] == ["network.E001"]
    with pytest.raises(TypeError):
        contracts.register_cofinancing_source(object())
