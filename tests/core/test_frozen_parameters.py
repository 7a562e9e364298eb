"""Parameters are frozen once used: the network's yearly settings, tiers, conditions and kind parameters after a
network version of that kraj and year is approved, the finance parameters after an allocation of that year is
approved; the refusal is in Czech and nothing changes."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from socplan.finance import services as finance_services
from socplan.network import services as network_services
from socplan.network.models import Tier
from tests.factories import (
    AllocationRunFactory,
    FinanceParamsFactory,
    NetworkEntryFactory,
    network_approve,
    officer,
)

pytestmark = pytest.mark.django_db


def test_network_parameters_frozen_after_approval():
    entry = NetworkEntryFactory()
    params = entry.tier.parameters
    actor = officer(can_approve=True, username="freeze-officer")
    # before approval the tier may be renamed
    network_services.tier_update(actor=actor, tier=entry.tier, data={"name": "základní síť (upraveno)"})
    network_approve(entry.network, confirm_failing=True, reason="test")
    assert network_services.parameters_frozen(params)
    tier = Tier.objects.get(pk=entry.tier_id)
    attempts = [
        lambda: network_services.tier_update(actor=actor, tier=tier, data={"name": "přejmenováno"}),
        lambda: network_services.tier_create(actor=actor, parameters=params, code="nova", name="nová"),
        lambda: network_services.network_parameters_update(actor=actor, parameters=params, data={"note": "x"}),
        lambda: network_services.condition_rule_update(actor=actor, rule=params.rules.first(), data={"name": "x"}),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert "schválená verze sítě" in " ".join(exc.value.messages)
    assert Tier.objects.get(pk=tier.pk).name == "základní síť (upraveno)"


def test_finance_parameters_frozen_after_an_approved_allocation():
    params = FinanceParamsFactory()
    actor = officer(can_approve=True, username="freeze-approver")
    run = AllocationRunFactory(region=params.region, year=params.year)
    assert not finance_services.finance_params_frozen(params)
    finance_services.allocation_run_approve(actor=actor, run=run, decision_ref="usnesení 1/2031")
    assert finance_services.finance_params_frozen(params)
    before = params.rates.values_list("pk", "normative").order_by("pk")[:]
    for attempt in [
        lambda: finance_services.finance_rates_scale(actor=actor, params=params, factor=Decimal("1.1")),
        lambda: finance_services.finance_params_update(actor=actor, params=params, data={"note": "změna"}),
    ]:
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert "schválené rozdělení" in " ".join(exc.value.messages)
    assert list(params.rates.values_list("pk", "normative").order_by("pk")) == list(before)
