"""The law as dated data (docs/legislation.md §7): code lists valid from/to a date, changes proposed and approved
by a second person, retired kinds flagged in the next year's network with their successor, co-financing rates
bound to the year's parameter edition, and the page "Co se mění k 1. lednu" that lists exactly the differences.

Synthetic data: the kind "36t" (a §36-like social-health service) is invented by these tests; it is not a
statement about the real law (whose dates are unconfirmed, see docs/legislation.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from socplan.finance import selectors as finance_selectors
from socplan.network import selectors as network_selectors
from socplan.network.dated_rules import law_changes, retired_kind_entries
from socplan.registry import dated
from socplan.registry.codelist_services import (
    codelist_change_approve,
    codelist_change_reject,
    kind_add,
    kind_change,
    kind_retire,
)
from socplan.registry.models import ChangeState, CodeListChange, ServiceKind
from socplan.registry.selectors import kinds_valid_in, retired_kinds_in
from tests import factories as f

pytestmark = pytest.mark.django_db

REASON = "syntetická změna pro test"
BASIS = "testovací předpis č. 1/2030 Sb. (syntetický)"


def _new_kind(proposer, approver, *, valid_from=dt.date(2031, 1, 1)) -> ServiceKind:
    change = kind_add(actor=proposer, code="36t", name="sociálně-zdravotní služba (test)", category="pece",
                      financing_group="D", allowed_forms="pob", valid_from=valid_from, legal_basis=BASIS,
                      reason=REASON)
    codelist_change_approve(actor=approver, change=change)
    return ServiceKind.objects.get(code="36t")


@pytest.fixture
def people(db):
    return {"proposer": f.region_admin(username="spravce"),
            "approver": f.officer(can_approve=True, username="schvalovatel"),
            "officer": f.officer(username="referent")}


# --- the year's code list -----------------------------------------------------------------------------------

def test_the_current_kinds_are_valid_from_the_acts_start_on_its_basis():
    kinds = ServiceKind.objects.filter(in_act=True)
    assert kinds.count() == 33
    assert set(kinds.values_list("valid_from", "valid_to", "legal_basis")) == {
        (dt.date(2007, 1, 1), None, "zákon č. 108/2006 Sb.")}
    cdz = ServiceKind.objects.get(in_act=False)
    assert cdz.valid_from is None and "mimo zákon" in cdz.legal_basis
    assert kinds_valid_in(2006).count() == 1  # only the open-start code outside the Act
    assert kinds_valid_in(2026).count() == 34


def test_a_kind_valid_from_a_date_appears_only_in_years_from_it(people):
    kind = _new_kind(people["proposer"], people["approver"], valid_from=dt.date(2031, 7, 1))
    assert kind not in kinds_valid_in(2030)
    assert kind in kinds_valid_in(2031)  # valid on some day of 2031
    assert kind in kinds_valid_in(2040)
    assert kind.legal_basis == BASIS and [f.code for f in kind.allowed_forms.all()] == ["pob"]
    assert kind.history.first().history_user == people["approver"]


@pytest.mark.parametrize("valid_from, valid_to, year, expected", [
    (None, None, 1990, True), (dt.date(2031, 1, 1), None, 2030, False), (dt.date(2031, 12, 31), None, 2031, True),
    (None, dt.date(2030, 12, 31), 2031, False), (None, dt.date(2031, 1, 1), 2031, True),
])
def test_validity_in_a_year(valid_from, valid_to, year, expected):
    assert dated.valid_in(valid_from, valid_to, year) is expected


# --- proposing and approving --------------------------------------------------------------------------------

def test_a_proposal_changes_nothing_until_a_second_person_approves_it(people):
    kind = ServiceKind.objects.get(code="52")
    change = kind_retire(actor=people["proposer"], kind=kind, valid_to=dt.date(2030, 12, 31), successor=None,
                         reason=REASON, legal_basis=BASIS)
    assert change.state == ChangeState.PROPOSED and change.proposed_by == people["proposer"]
    kind.refresh_from_db()
    assert kind.valid_to is None
    with pytest.raises(PermissionDenied):  # an officer without the right to approve
        codelist_change_approve(actor=people["officer"], change=change)
    approver_who_proposed = f.region_admin(can_approve=True, username="spravce2")
    own = kind_change(actor=approver_who_proposed, kind=kind, name="jiný název", reason=REASON, legal_basis=BASIS)
    with pytest.raises(ValidationError, match="jiná osoba"):
        codelist_change_approve(actor=approver_who_proposed, change=own)
    codelist_change_approve(actor=people["approver"], change=change)
    kind.refresh_from_db()
    assert kind.valid_to == dt.date(2030, 12, 31) and BASIS in kind.legal_basis
    assert kind.history.first().history_user == people["approver"]
    assert "změna číselníku č." in kind.history.first().history_change_reason
    with pytest.raises(ValidationError, match="už bylo rozhodnuto"):
        codelist_change_approve(actor=people["approver"], change=change)
    codelist_change_reject(actor=people["approver"], change=own, note="duplicitní")
    assert CodeListChange.objects.get(pk=own.pk).state == ChangeState.REJECTED
    kind.refresh_from_db()
    assert kind.name != "jiný název"


def test_only_a_kraj_administrator_proposes(people):
    with pytest.raises(PermissionDenied):
        kind_retire(actor=people["officer"], kind=ServiceKind.objects.get(code="52"), valid_to=dt.date(2030, 12, 31),
                    successor=None, reason=REASON, legal_basis=BASIS)


def test_proposals_are_checked_in_czech(people):
    kind = ServiceKind.objects.get(code="52")
    with pytest.raises(ValidationError) as exc:
        kind_retire(actor=people["proposer"], kind=kind, valid_to=dt.date(2030, 12, 31), successor=kind,
                    reason="", legal_basis="")
    errors = exc.value.message_dict
    assert errors["successor"] == ["Druh nemůže být svým vlastním nástupcem."]
    assert errors["reason"] == ["Uveďte odůvodnění změny."]
    assert errors["legal_basis"] == ["Uveďte právní základ změny (předpis nebo rozhodnutí)."]
    later = _new_kind(people["proposer"], people["approver"], valid_from=dt.date(2032, 1, 1))
    with pytest.raises(ValidationError) as exc:
        kind_retire(actor=people["proposer"], kind=kind, valid_to=dt.date(2030, 12, 31), successor=later,
                    reason=REASON, legal_basis=BASIS)
    assert exc.value.message_dict["successor"] == ["Nástupnický druh musí platit ode dne po ukončení (1. 1. 2031)."]


# --- a retired kind in the next year's network ------------------------------------------------------------------

def test_a_retired_kinds_services_are_flagged_in_the_next_years_network_with_its_successor(people, client):
    successor = _new_kind(people["proposer"], people["approver"])
    old = ServiceKind.objects.get(code="49")
    codelist_change_approve(actor=people["approver"], change=kind_retire(
        actor=people["proposer"], kind=old, valid_to=dt.date(2030, 12, 31), successor=successor, reason=REASON,
        legal_basis=BASIS))
    assert set(retired_kinds_in(2030)) == set() and set(retired_kinds_in(2031)) == {old.pk}
    assert retired_kinds_in(2031)[old.pk].successor_code == "36t"

    home = f.RegisteredServiceFactory(kind="49", form="pob", capacity_type="luzka", capacity=40, year=2031)
    care = f.RegisteredServiceFactory(kind="40", year=2031)
    v31 = f.NetworkVersionFactory(year=2031)
    e_home = f.NetworkEntryFactory(network=v31, service=home)
    f.NetworkEntryFactory(network=v31, service=care)
    flagged = retired_kind_entries(v31)
    assert [(r.entry_id, r.kind.code, r.kind.successor_code) for r in flagged] == [(e_home.pk, "49", "36t")]
    v30 = f.NetworkVersionFactory(year=2030)
    f.NetworkEntryFactory(network=v30, service=f.RegisteredServiceFactory(
        kind="49", form="pob", capacity_type="luzka", capacity=40, year=2030))
    assert retired_kind_entries(v30) == []  # still in force in 2030

    client.force_login(people["approver"])
    html = client.get(reverse("network:version_check", args=[v31.pk])).content.decode()
    assert 'data-testid="retired-kinds"' in html and html.count('data-testid="retired-flag"') == 1
    assert "sociálně-zdravotní služba (test)" in html
    html30 = client.get(reverse("network:version_check", args=[v30.pk])).content.decode()
    assert 'data-testid="retired-kinds"' not in html30


# --- co-financing rates from 1 January ------------------------------------------------------------------------

@pytest.fixture
def two_years(db):
    """JMK 2030 and 2031 drafts with the illustrative financing parameters and one §40 entry each (terénní,
    4 FTE: optimised cost 50 000 × 4 × 12 = 2 400 000; care rate 10 % → 240 000 required)."""
    out = {}
    for year in (2030, 2031):
        version = f.NetworkVersionFactory(year=year)
        f.FinanceParamsFactory(year=year)
        out[year] = (version, f.NetworkEntryFactory(network=version, service=f.RegisteredServiceFactory(year=year)))
    return out


def test_a_rate_changed_from_1_january_changes_the_next_years_shares_only(two_years, client, people):
    (v30, e30), (v31, e31) = two_years[2030], two_years[2031]
    before = {y: finance_selectors.cofinancing(v.region, y).entry(e.pk).required
              for y, (v, e) in two_years.items()}
    assert before == {2030: 240_000, 2031: 240_000}
    f.KindParameterFactory(parameters=network_selectors.version_parameters(v31), kind="40",
                           cofinancing_rate=Decimal(15))
    assert finance_selectors.cofinancing(v30.region, 2030).entry(e30.pk).required == 240_000
    assert finance_selectors.cofinancing(v31.region, 2031).entry(e31.pk).required == 360_000  # 15 % × 2 400 000
    assert network_selectors.cofinancing_rates(v30.region, 2030).rate_for("40", "ter", None, "pece") == 10
    assert network_selectors.cofinancing_rates(v31.region, 2031).rate_for("40", "ter", None, "pece") == 15

    changes = law_changes(v31.region, 2031, user=people["approver"])["differences"]
    assert [(d.what, d.change, d.key, d.before, d.after) for d in changes] == [
        ("rule", "added", "cofinancing:40", "", "15,00 %")]
    assert [a.key for a in changes[0].affected] == [f"entry:{e31.pk}"]  # the 2031 network's §40 entry
    html = client.get(reverse("network:law_changes", args=["CZ064", 2031])).content.decode()
    assert 'data-key="cofinancing:40"' in html and html.count("<tr data-what=") == 1


# --- what changes on 1 January --------------------------------------------------------------------------------

def test_the_diff_engine_lists_added_retired_changed_entries_and_rules():
    k = dated.LIST_KIND
    entries = [
        dated.Entry(k, "49", "§ 49 DpS", dt.date(2007, 1, 1), dt.date(2030, 12, 31), "108/2006",
                    successor="36t", successor_label="§ 36t", attrs=(("kategorie", "péče"),)),
        dated.Entry(k, "36t", "§ 36t", dt.date(2031, 1, 1), None, "1/2030", attrs=(("kategorie", "péče"),)),
        dated.Entry(k, "40", "§ 40 PS", None, None, "108/2006", attrs=(("kategorie", "péče"),)),
    ]
    before = dated.Snapshot.of(2030, entries, [dated.RuleValue("cofinancing:40", "PS", "10 %"),
                                               dated.RuleValue("points:40", "PS", "50")])
    after = dated.Snapshot.of(2031, entries, [dated.RuleValue("cofinancing:40", "PS", "15 %"),
                                              dated.RuleValue("budget:40", "PS", "1 Kč")])
    affected = {(k, "49"): [dated.Affected("service:2", "B"), dated.Affected("service:1", "A")]}
    diff = dated.diff_snapshots(before, after, affected)
    assert [(d.what, d.change, d.key) for d in diff] == [
        (k, "added", "36t"), (k, "retired", "49"), ("rule", "added", "budget:40"),
        ("rule", "changed", "cofinancing:40"), ("rule", "removed", "points:40")]
    retired = diff[1]
    assert (retired.successor, retired.affected_count, [a.label for a in retired.affected]) == ("36t", 2, ["A", "B"])
    assert (diff[3].before, diff[3].after) == ("10 %", "15 %")
    assert dated.diff_snapshots(before, before) == []
    renamed = dated.Snapshot.of(2031, [dated.Entry(k, "40", "§ 40 pečovatelská", None, None, "108/2006",
                                                   attrs=(("kategorie", "prevence"),))])
    (change,) = dated.diff_snapshots(dated.Snapshot.of(2030, entries[2:]), renamed)
    assert change.change == "changed" and ("kategorie", "péče", "prevence") in change.details


def test_the_page_lists_exactly_the_code_list_differences_and_what_they_affect(people, client):
    successor = _new_kind(people["proposer"], people["approver"])
    codelist_change_approve(actor=people["approver"], change=kind_retire(
        actor=people["proposer"], kind=ServiceKind.objects.get(code="49"), valid_to=dt.date(2030, 12, 31),
        successor=successor, reason=REASON, legal_basis=BASIS))
    home = f.RegisteredServiceFactory(kind="49", form="pob", capacity_type="luzka", capacity=40, year=2030)
    region = home.region or f.region()
    result = law_changes(region, 2031, user=people["approver"])
    assert [(d.what, d.change, d.key, d.successor) for d in result["differences"]] == [
        ("kind", "added", "36t", ""), ("kind", "retired", "49", "36t")]
    retired = result["differences"][1]
    assert f"service:{home.pk}" in {a.key for a in retired.affected}
    assert law_changes(region, 2030, user=people["approver"])["differences"] == []
    html = client.get(reverse("network:law_changes", args=["CZ064", 2031])).content.decode()
    assert "Co se mění k 1. lednu 2031" in html
    assert html.count("<tr data-what=") == 2 and 'data-key="49" data-change="retired"' in html


# --- pages ----------------------------------------------------------------------------------------------------

def test_the_year_page_and_the_proposal_pages(people, client):
    _new_kind(people["proposer"], people["approver"], valid_from=dt.date(2031, 1, 1))
    html = client.get(reverse("registry:codelists") + "?rok=2030").content.decode()
    assert 'data-kind="36t"' not in html.split('data-testid="kinds"')[1].split("</table>")[0]
    html = client.get(reverse("registry:codelists") + "?rok=2031").content.decode()
    assert 'data-kind="36t"' in html
    client.force_login(people["proposer"])
    page = client.get(reverse("registry:codelist_change_add") + "?druh=52&akce=retire")
    assert page.status_code == 200
    kind = ServiceKind.objects.get(code="52")
    response = client.post(reverse("registry:codelist_change_add") + "?druh=52&akce=retire", {
        "region": f.region().pk, "code_list": "kind", "action": "retire", "kind": kind.pk,
        "valid_to": "2030-12-31", "legal_basis": BASIS, "reason": REASON})
    change = CodeListChange.objects.get(kind=kind)
    assert response.status_code == 302 and change.state == ChangeState.PROPOSED
    assert client.post(reverse("registry:codelist_change_approve", args=[change.pk])).status_code == 403
    client.force_login(people["approver"])
    assert client.get(reverse("registry:codelist_change", args=[change.pk])).status_code == 200
    assert client.post(reverse("registry:codelist_change_approve", args=[change.pk])).status_code == 302
    kind.refresh_from_db()
    assert kind.valid_to == dt.date(2030, 12, 31)
    assert client.get(reverse("registry:codelist_changes")).status_code == 200


# --- readers of a year's kinds --------------------------------------------------------------------------------

def test_a_request_form_and_the_default_finance_rates_offer_only_the_years_kinds(people):
    from socplan.network.forms import DevelopmentRequestForm

    _new_kind(people["proposer"], people["approver"], valid_from=dt.date(2031, 1, 1))
    codelist_change_approve(actor=people["approver"], change=kind_retire(
        actor=people["proposer"], kind=ServiceKind.objects.get(code="40"), valid_to=dt.date(2030, 12, 31),
        successor=None, reason=REASON, legal_basis=BASIS))
    kinds = {y: set(DevelopmentRequestForm(user=people["approver"], region=f.region(), initial={"year": y})
                    .fields["kind"].queryset.values_list("code", flat=True)) for y in (2030, 2031)}
    assert "36t" not in kinds[2030] and "36t" in kinds[2031]
    assert "40" in kinds[2030] and "40" not in kinds[2031]
    form = DevelopmentRequestForm({"year": "2031", "kind": ServiceKind.objects.get(code="40").pk},
                                  user=people["approver"], region=f.region())
    form.is_valid()
    assert "kind" in form.errors  # not offered in 2031
    rates = {y: {r.kind.code for r in f.FinanceParamsFactory(year=y).rates.select_related("kind")}
             for y in (2030, 2031)}
    assert "40" in rates[2030] and "40" not in rates[2031]
