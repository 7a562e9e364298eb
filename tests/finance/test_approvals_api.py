"""Approvals where they live, through the API: provider reports (submit, approve, return) and allocation runs
(compute and store, approve) – the same service functions and decision table as the pages.

Rows are built by the shared factories in a year (2031) the demo does not use.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from socplan.finance.models import AllocationRun, ProviderBudget, UnitReport
from socplan.finance.services import unit_report_save
from tests import factories as f
from tests.api_preconditions import if_match

pytestmark = pytest.mark.django_db

YEAR = 2031


@pytest.fixture
def w(db):
    service = f.RegisteredServiceFactory(year=YEAR)
    f.NetworkEntryFactory(service=service, network=f.NetworkVersionFactory(year=YEAR))
    f.FinanceParamsFactory(year=YEAR)
    other_service = f.RegisteredServiceFactory(year=YEAR)
    return SimpleNamespace(
        service=service, provider=f.provider_user(service.provider),
        other_provider=f.provider_user(other_service.provider), officer=f.officer(),
        approver=f.officer(can_approve=True), admin=f.region_admin(), admin_approver=f.region_admin(can_approve=True),
        other_kraj_approver=f.officer(can_approve=True, region_code="CZ072"), district_team=f.district_member(),
    )


def post(user, url, data=None):
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client.post(url, data or {}, format="json", **if_match(client, url))


def test_a_budget_is_submitted_by_its_provider_and_approved_by_an_approver(w):
    budget = f.ProviderBudgetFactory(service=w.service, year=YEAR, term="plan", actor=w.provider)
    base = f"/api/v1/finance/budgets/{budget.pk}/"
    assert post(w.other_provider, base + "submit/").status_code == 404  # another provider does not see it
    assert post(w.provider, base + "approve/").status_code == 403  # a provider never approves
    answer = post(w.provider, base + "submit/")
    assert answer.status_code == 200 and answer.json()["state"] == "submitted"
    assert post(w.provider, base + "submit/").status_code == 400  # submitted already
    for seat in (w.officer, w.admin, w.provider):
        answer = post(seat, base + "approve/")
        assert answer.status_code == 403, seat
        assert "schvalovat" in answer.json()["detail"]
    assert post(w.other_kraj_approver, base + "approve/").status_code == 404
    assert post(w.district_team, base + "approve/").status_code == 404  # private: the okres does not see budgets
    assert ProviderBudget.objects.get(pk=budget.pk).state == "submitted"
    answer = post(w.approver, base + "approve/")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["state"], body["approved_by"]) == ("approved", w.approver.pk)
    stored = ProviderBudget.objects.get(pk=budget.pk)
    assert stored.history.first().history_user == w.approver
    assert post(w.approver, base + "approve/").status_code in (400, 409)  # approved records do not change


def test_a_report_is_returned_with_a_reason_by_an_approver(w):
    budget = f.ProviderBudgetFactory(service=w.service, year=YEAR, term="plan", actor=w.provider)
    post(w.provider, f"/api/v1/finance/budgets/{budget.pk}/submit/")
    url = f"/api/v1/finance/budgets/{budget.pk}/return/"
    assert post(w.officer, url, {"reason": "Doložte výpočet."}).status_code == 403
    assert post(w.admin_approver, url, {}).status_code == 400
    body = post(w.admin_approver, url, {"reason": "Doložte výpočet."}).json()
    assert (body["state"], body["return_reason"]) == ("returned", "Doložte výpočet.")


def test_unit_reports_follow_the_same_rules(w):
    report = unit_report_save(actor=w.provider, service=w.service, year=YEAR, half=1, actual_units=Decimal(24))
    base = f"/api/v1/finance/unit-reports/{report.pk}/"
    assert post(w.provider, base + "submit/").json()["state"] == "submitted"
    assert post(w.officer, base + "approve/").status_code == 403
    assert post(w.approver, base + "approve/").json()["state"] == "approved"
    assert UnitReport.objects.get(pk=report.pk).approved_by == w.approver


def test_an_allocation_is_stored_by_kraj_staff_and_approved_by_an_approver(w):
    url = f"/api/v1/finance/CZ064/{YEAR}/allocation/"
    assert post(w.provider, url, {"budget": "1000000"}).status_code == 403
    assert post(w.officer, url, {"budget": "-1"}).status_code == 400
    answer = post(w.officer, url, {"budget": "5000000", "mode": "rules", "note": "návrh"})
    assert answer.status_code == 201, answer.content
    run = answer.json()
    assert (run["state"], run["approved"], run["budget"]) == ("computed", False, "5000000")
    assert [r["service_id"] for r in run["services"]] == [w.service.pk]
    approve = f"/api/v1/finance/allocations/{run['run_id']}/approve/"
    assert post(w.officer, approve).status_code == 403
    assert post(w.admin, approve).status_code == 403
    assert post(w.other_kraj_approver, approve).status_code == 404
    assert post(w.provider, approve).status_code == 404  # the run is private: a provider sees its own rows only
    body = post(w.approver, approve, {"decision_ref": "RK 12/31"}).json()
    assert (body["approved"], body["state"], body["decision_ref"], body["approved_by"]) == (
        True, "approved", "RK 12/31", w.approver.pk)
    assert post(w.approver, approve).status_code == 409
    # a later approved run supersedes it
    later = post(w.officer, url, {"budget": "6000000"}).json()
    assert post(w.admin_approver, f"/api/v1/finance/allocations/{later['run_id']}/approve/").status_code == 400
    body = post(w.admin_approver, f"/api/v1/finance/allocations/{later['run_id']}/approve/",
                {"reason": "nový rozpočet"}).json()  # superseding needs a reason
    assert body["supersedes"] == run["run_id"]
    assert AllocationRun.objects.get(pk=run["run_id"]).is_approved


def test_the_get_of_the_latest_allocation_still_answers(w):
    f.AllocationRunFactory(year=YEAR)
    client = APIClient()
    client.force_login(w.officer)
    doc = client.get(f"/api/v1/finance/CZ064/{YEAR}/allocation/").json()
    assert doc["year"] == YEAR and [s["service_id"] for s in doc["services"]] == [w.service.pk]
