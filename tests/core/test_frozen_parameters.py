"""Parameters are frozen once used: the network's yearly settings, tiers, conditions and kind parameters after a
network version of that kraj and year is approved, the finance parameters after an allocation of that year is
approved; the refusal is in Czech and nothing changes."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from socplan.finance import selectors as finance_selectors
from socplan.finance import services as finance_services
from socplan.finance.models import FinanceParams
from socplan.network import adapters as network_adapters
from socplan.network import selectors as network_selectors
from socplan.network import services as network_services
from socplan.network.models import NetworkParameters, NetworkVersion, Tier
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


# --- a new edition of frozen parameters ---------------------------------------------------------------------

def _approved_with_draft_amendment():
    """An approved base version with one entry, and a draft amendment copied from it."""
    entry = NetworkEntryFactory()
    approved = network_approve(entry.network, confirm_failing=True, reason="test")
    amendment = network_services.network_amendment_create(actor=officer(username="edition-amender"),
                                                          network=approved, reason="změna během roku")
    return entry, approved, amendment


def test_new_edition_of_network_parameters_keeps_the_approved_version_on_the_old_set():
    entry, approved, amendment = _approved_with_draft_amendment()
    old = entry.tier.parameters
    old_name = entry.tier.name
    actor = officer(username="edition-officer")
    with pytest.raises(ValidationError) as exc:
        network_services.tier_update(actor=actor, tier=entry.tier, data={"name": "nový název"})
    assert "Novou verzi nastavení" in " ".join(exc.value.messages)

    new = network_services.network_parameters_new_edition(actor=actor, parameters=old, reason="nové názvy úrovní")
    assert (new.region_id, new.year, new.edition, new.supersedes_id) == (old.region_id, old.year, 2, old.pk)
    assert sorted(new.tiers.values_list("code", "name")) == sorted(old.tiers.values_list("code", "name"))
    assert sorted(new.rules.values_list("code", "enabled")) == sorted(old.rules.values_list("code", "enabled"))
    assert new.cofinancing_rate_care == old.cofinancing_rate_care
    assert not network_services.parameters_frozen(new)
    assert network_services.parameters_frozen(old)  # superseded: the old edition stays as it was
    assert new.history.first().history_change_reason == "nové názvy úrovní"

    # the new edition is editable; the approved version keeps its set and tier, the draft amendment moves over
    new_tier = new.tiers.get(code=entry.tier.code)
    network_services.tier_update(actor=actor, tier=new_tier, data={"name": "přejmenovaná úroveň"})
    approved.refresh_from_db()
    amendment.refresh_from_db()
    assert approved.parameters_id == old.pk
    assert amendment.parameters_id == new.pk
    assert set(approved.entries.values_list("tier__name", flat=True)) == {old_name}
    assert set(amendment.entries.values_list("tier__name", flat=True)) == {"přejmenovaná úroveň"}
    assert amendment.history.first().history_change_reason.startswith("převzato nové vydání")
    # new drafts and lookups of the year use the newest set
    assert network_selectors.version_parameters(amendment) == new
    # a version stored without the link (the demo loader writes versions directly) is judged by its entries' set
    NetworkVersion.objects.filter(pk=approved.pk).update(parameters=None)
    assert network_selectors.version_parameters(NetworkVersion.objects.get(pk=approved.pk)) == old
    assert list(network_selectors.tiers(old.region, old.year)) == list(new.tiers.order_by("order", "code"))
    assert network_adapters.parameters_for(old.region, old.year) == new

    # the old edition refuses changes, and a second new edition of it too
    with pytest.raises(ValidationError):
        network_services.network_parameters_update(actor=actor, parameters=old, data={"note": "x"})
    with pytest.raises(ValidationError):
        network_services.network_parameters_new_edition(actor=actor, parameters=old)


def test_new_edition_only_of_frozen_parameters_and_only_by_the_kraj():
    params = NetworkEntryFactory().tier.parameters
    actor = officer(username="edition-early")
    with pytest.raises(ValidationError) as exc:
        network_services.network_parameters_new_edition(actor=actor, parameters=params)
    assert "upravte je přímo" in " ".join(exc.value.messages)
    network_approve(params.networks.get(), confirm_failing=True, reason="test")
    with pytest.raises(PermissionDenied):
        network_services.network_parameters_new_edition(
            actor=officer(region_code="CZ072", username="edition-other-kraj"), parameters=params)
    assert NetworkParameters.objects.filter(region=params.region, year=params.year).count() == 1


def test_network_parameters_pages_show_each_edition(client):
    entry, approved, amendment = _approved_with_draft_amendment()
    old = entry.tier.parameters
    user = officer(username="edition-page")
    client.force_login(user)
    page = client.get(reverse("network:parameters", args=[old.region.code, old.year]))
    assert page.status_code == 200
    assert 'data-testid="parameters-new-edition"' in page.content.decode()
    assert reverse("network:network_tier_edit", args=[entry.tier_id]) not in page.content.decode()

    other = Client()
    other.force_login(officer(region_code="CZ072", username="edition-page-other"))
    url = reverse("network:network_parameters_new_edition", args=[old.pk])
    assert other.post(url, {"reason": "cizí"}).status_code in (403, 404)
    assert NetworkParameters.objects.filter(region=old.region, year=old.year).count() == 1

    response = client.post(url, {"reason": "nový název úrovně"})
    new = NetworkParameters.objects.get(supersedes=old)
    assert response.status_code == 302
    assert response["Location"] == reverse("network:parameters", args=[old.region.code, old.year])
    network_services.tier_update(actor=user, tier=new.tiers.get(code=entry.tier.code), data={"name": "nová úroveň"})

    current = client.get(response["Location"]).content.decode()
    assert "nová úroveň" in current and 'data-testid="parameters-new-edition"' not in current
    old_page = client.get(f"{response['Location']}?vydani=1").content.decode()
    assert 'data-testid="parameters-superseded"' in old_page and entry.tier.name in old_page
    approved_page = client.get(reverse("network:version", args=[approved.pk])).content.decode()
    assert f"?vydani={old.edition}" in approved_page and "nová úroveň" not in approved_page
    draft_page = client.get(reverse("network:version", args=[amendment.pk])).content.decode()
    assert "nová úroveň" in draft_page


def test_new_edition_of_finance_parameters_keeps_the_approved_allocation_on_the_old_set(client):
    old = FinanceParamsFactory()
    actor = officer(can_approve=True, username="edition-approver")
    approved = AllocationRunFactory(region=old.region, year=old.year)
    finance_services.allocation_run_approve(actor=actor, run=approved, decision_ref="usnesení 2/2031")
    with pytest.raises(ValidationError) as exc:
        finance_services.finance_params_update(actor=actor, params=old, data={"note": "změna"})
    assert "Novou verzi parametrů" in " ".join(exc.value.messages)

    client.force_login(actor)
    detail = reverse("finance:params_detail", args=[old.region.code, old.year])
    page = client.get(detail).content.decode()
    assert 'data-testid="params-new-edition"' in page
    assert reverse("finance:params_edit", args=[old.region.code, old.year]) not in page
    other = Client()
    other.force_login(officer(region_code="CZ072", username="edition-finance-other"))
    url = reverse("finance:params_new_edition", args=[old.region.code, old.year])
    assert other.post(url, {"reason": "cizí"}).status_code in (403, 404)
    assert FinanceParams.objects.filter(region=old.region, year=old.year).count() == 1

    response = client.post(url, {"reason": "nové normativy"})
    assert response.status_code == 302 and response["Location"] == detail
    new = FinanceParams.objects.get(supersedes=old)
    assert (new.edition, new.history.first().history_change_reason) == (2, "nové normativy")
    assert sorted(new.rates.values_list("kind_id", "group", "normative")) == sorted(
        old.rates.values_list("kind_id", "group", "normative"))
    assert finance_selectors.params_for(old.region, old.year) == new
    assert finance_selectors.params_years(old.region).count(old.year) == 1

    # the new edition is editable and new runs compute with it; the approved run keeps the old one
    old_normatives = list(old.rates.values_list("pk", "normative").order_by("pk"))
    finance_services.finance_rates_scale(actor=actor, params=new, factor=Decimal("1.1"), reason="valorizace")
    run = AllocationRunFactory(region=old.region, year=old.year)
    approved.refresh_from_db()
    assert (approved.params_id, run.params_id) == (old.pk, new.pk)
    assert list(old.rates.values_list("pk", "normative").order_by("pk")) == old_normatives
    with pytest.raises(ValidationError):
        finance_services.finance_params_new_edition(actor=actor, params=old)

    run_page = client.get(reverse("finance:allocation_detail", args=[approved.pk])).content.decode()
    assert f"{detail}?vydani=1" in run_page
    old_page = client.get(f"{detail}?vydani=1").content.decode()
    assert 'data-testid="params-superseded"' in old_page and "usnesení 2/2031" in old_page


def test_an_approved_version_keeps_the_cofinancing_rates_of_its_edition():
    """A new edition with another municipal co-financing rate changes the draft's rates, not the approved
    version's (the rates the kraj approved the network with)."""
    entry, approved, amendment = _approved_with_draft_amendment()
    old = entry.tier.parameters
    actor = officer(username="edition-rates")
    new = network_services.network_parameters_new_edition(actor=actor, parameters=old, reason="nové sazby")
    care = Decimal(15) if old.cofinancing_rate_care != 15 else Decimal(12)  # inside the 10–20 % band
    NetworkParameters.objects.filter(pk=new.pk).update(cofinancing_rate_care=care)
    region, year = old.region, old.year
    approved.refresh_from_db()
    amendment.refresh_from_db()  # the new edition moved the draft over
    assert network_selectors.cofinancing_rates(region, year, version=approved).by_category["pece"] == (
        old.cofinancing_rate_care)
    assert network_selectors.cofinancing_rates(region, year, version=amendment).by_category["pece"] == care
    assert network_selectors.cofinancing_rates(region, year).by_category["pece"] == care  # newest edition
