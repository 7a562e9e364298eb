"""Plan lifecycle, copy, monitoring rules and permissions of the planning services."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from socplan.planning import services as svc
from socplan.planning.models import Comment, Measure, MeasureBudget, Plan, PlanStatus, Resolution

from .conftest import build_plan

pytestmark = pytest.mark.django_db


def test_comment_cycle_and_approval(t, users):
    plan = build_plan(t.jmk)
    with pytest.raises(ValidationError):  # a draft takes no comments
        svc.comment_submit(actor=None, plan=plan, text="x", author_name="Jan")
    plan = svc.plan_publish_for_comments(actor=users.officer, plan=plan, comments_until=dt.date(2100, 1, 1))
    assert plan.status == PlanStatus.COMMENT and plan.published
    c1 = svc.comment_submit(actor=None, plan=plan, text="Doplnit odlehčovací služby.", author_name="Jana Veřejná",
                            author_email="jana@example.cz", measure=plan.measures.get(code="S1.1"))
    c2 = svc.comment_submit(actor=users.nobody, plan=plan, text="Souhlasím.")
    assert c1.channel == "public" and c2.channel == "account" and c2.author_name == "Nobody"
    with pytest.raises(ValidationError):  # pending comments block the approval
        svc.plan_approve(actor=users.approver, plan=plan, approved_on=dt.date(2023, 12, 1))
    with pytest.raises(ValidationError):  # and the publication of the settlement
        svc.settlement_publish(actor=users.officer, plan=plan)
    with pytest.raises(ValidationError):  # a resolution needs its reasoning
        svc.comment_resolve(actor=users.officer, comment=c1, resolution=Resolution.ACCEPTED, reasoning=" ")
    with pytest.raises(PermissionDenied):  # the ORP coordinator does not resolve comments on the kraj's plan
        svc.comment_resolve(actor=users.orp_blansko, comment=c1, resolution=Resolution.ACCEPTED, reasoning="ok")
    svc.comment_resolve(actor=users.officer, comment=c1, resolution=Resolution.PARTLY, reasoning="Doplněno do S1.")
    svc.comment_resolve(actor=users.officer, comment=c2, resolution=Resolution.REJECTED, reasoning="Bez návrhu.")
    plan = svc.settlement_publish(actor=users.officer, plan=Plan.objects.get(pk=plan.pk))
    assert plan.settlement_published and plan.settlement_published_at
    with pytest.raises(ValidationError):  # the published settlement is final
        svc.comment_resolve(actor=users.officer, comment=Comment.objects.get(pk=c1.pk),
                            resolution=Resolution.ACCEPTED, reasoning="jinak")
    with pytest.raises(PermissionDenied):  # a regional plan is approved by kraj staff allowed to approve
        svc.plan_approve(actor=users.officer, plan=plan, approved_on=dt.date(2023, 12, 1))
    with pytest.raises(svc.ApprovalNeedsConfirmation):  # the comment period (until 2100) has not ended
        svc.plan_approve(actor=users.approver, plan=plan, approved_on=dt.date(2023, 12, 1), approval_ref="1/23")
    plan = svc.plan_approve(actor=users.approver, plan=plan, approved_on=dt.date(2023, 12, 1), approval_ref="1/23",
                            confirm=True, reason="Zastupitelstvo schvaluje před koncem lhůty.")
    assert plan.status == PlanStatus.APPROVED and plan.approval_reason
    with pytest.raises(ValidationError):  # approved content is frozen
        svc.plan_update(actor=users.officer, plan=plan, data={"title": "Jiný"})
    # Audit: the history records who did it.
    last = plan.history.order_by("-history_date").first()
    assert last.history_user == users.approver and last.status == PlanStatus.APPROVED


def test_publishing_an_empty_plan_is_refused(t):
    plan = svc.plan_create(actor=None, kind="regional", title="Prázdný", region=t.jmk, year_from=2024, year_to=2026)
    with pytest.raises(ValidationError):
        svc.plan_publish_for_comments(actor=None, plan=plan)


def test_community_plan_permissions(t, users):
    plan = build_plan(t.jmk, orp=t.blansko)
    with pytest.raises(PermissionDenied):
        svc.plan_update(actor=users.orp_znojmo, plan=plan, data={"title": "Cizí"})
    with pytest.raises(PermissionDenied):
        svc.plan_update(actor=users.officer_zlk, plan=plan, data={"title": "Cizí"})
    with pytest.raises(PermissionDenied):
        svc.plan_create(actor=users.orp_blansko, kind="community", title="Cizí ORP", region=t.jmk, orp=t.znojmo,
                        year_from=2024, year_to=2026)
    plan = svc.plan_update(actor=users.orp_blansko, plan=plan, data={"title": "KPSS Blansko"})
    assert plan.title == "KPSS Blansko" and plan.version == 2
    # The coordinator records the council's approval of the community plan.
    plan = svc.plan_approve(actor=users.orp_blansko, plan=plan, approved_on=dt.date(2023, 12, 1))
    assert plan.status == PlanStatus.APPROVED


def test_copy_shifts_years_and_takes_last_value_as_baseline(t):
    old = build_plan(t.jmk, years=(2021, 2023), approve=True)
    m = old.measures.get(code="A.1")
    ind = m.indicators.get()
    svc.indicator_value_set(actor=None, indicator=ind, year=2022, value=17)
    svc.indicator_value_set(actor=None, indicator=ind, year=2023, value=19)
    svc.measure_report_set(actor=None, measure=m, year=2022, state="in_progress", progress=50)
    new = svc.plan_copy(actor=None, source=old, title="Nový plán", year_from=2024, year_to=2026)
    assert new.status == PlanStatus.DRAFT and new.previous == old
    assert new.priorities.count() == 2 and new.measures.count() == 4 and new.sections.count() == 1
    nm = new.measures.get(code="A.1")
    assert (nm.year_from, nm.year_to) == (2024, 2026)
    ni = nm.indicators.get()
    assert (ni.baseline, ni.baseline_year) == (Decimal(19), 2023)
    assert {x.year: x.value for x in ni.targets.all()} == {2024: 10, 2025: 11, 2026: 12}
    assert not nm.reports.exists()
    # Approving the successor supersedes the approved predecessor.
    svc.plan_approve(actor=None, plan=new, approved_on=dt.date(2023, 12, 1))
    old.refresh_from_db()
    assert old.status == PlanStatus.SUPERSEDED


def test_budget_in_whole_crowns_and_within_the_measure_period(t):
    plan = build_plan(t.jmk)
    m = plan.measures.get(code="A.1")
    b = svc.measure_budget_set(actor=None, measure=m, year=2025, source="region", amount=Decimal("1000.50"))
    assert b.amount == Decimal(1001)  # half up to whole CZK
    with pytest.raises(ValidationError):
        svc.measure_budget_set(actor=None, measure=m, year=2030, source="region", amount=5)
    assert svc.measure_budget_set(actor=None, measure=m, year=2025, source="region", amount=0) is None
    assert not MeasureBudget.objects.filter(measure=m).exists()


def test_monitoring_only_for_approved_plans_and_by_the_responsible(t, users):
    plan = build_plan(t.jmk, orp=t.blansko)
    m = plan.measures.get(code="S1.1")
    with pytest.raises(ValidationError):
        svc.measure_report_set(actor=None, measure=m, year=2024, state="in_progress", progress=10)
    plan = svc.plan_approve(actor=None, plan=plan, approved_on=dt.date(2023, 12, 1))
    m.refresh_from_db()
    with pytest.raises(PermissionDenied):
        svc.measure_report_set(actor=users.orp_znojmo, measure=m, year=2024, state="in_progress", progress=10)
    with pytest.raises(PermissionDenied):
        svc.measure_report_set(actor=users.nobody, measure=m, year=2024, state="in_progress", progress=10)
    r = svc.measure_report_set(actor=users.orp_blansko, measure=m, year=2024, state="done", progress=40)
    assert r.progress == 100 and r.entered_by == users.orp_blansko  # done means 100 %
    # The measure's responsible person (no role) may report too.
    Measure.objects.filter(pk=m.pk).update(responsible_user=users.nobody)
    m.refresh_from_db()
    r = svc.measure_report_set(actor=users.nobody, measure=m, year=2024, state="in_progress", progress=70)
    assert (r.state, r.progress, r.version) == ("in_progress", 70, 2)
    with pytest.raises(ValidationError):
        svc.measure_report_set(actor=None, measure=m, year=2023, state="in_progress", progress=1)


def test_orp_contract_reports(t, users):
    c = svc.contract_create(actor=users.officer, region=t.jmk, orp=t.blansko, number="K/1",
                            date_from=dt.date(2024, 1, 1), date_to=dt.date(2025, 12, 31), contribution=100_000,
                            obligations="zpracovat plán")
    assert list(c.reports.values_list("year", flat=True)) == [2024, 2025]
    with pytest.raises(PermissionDenied):  # contracts are the kraj's
        svc.contract_create(actor=users.orp_blansko, region=t.jmk, orp=t.blansko, number="K/2",
                            date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 12, 31), contribution=1,
                            obligations="x")
    r = c.reports.get(year=2024)
    with pytest.raises(PermissionDenied):
        svc.orp_report_save(actor=users.orp_znojmo, report=r, data={"activities": "x"})
    with pytest.raises(ValidationError):  # nothing to submit yet
        svc.orp_report_submit(actor=users.orp_blansko, report=r)
    r = svc.orp_report_save(actor=users.orp_blansko, report=r, data={"activities": "6 setkání", "meetings_held": 6,
                                                                     "contribution_spent": Decimal(90_000)})
    with pytest.raises(ValidationError):  # spending above the contribution
        svc.orp_report_save(actor=users.orp_blansko, report=r, data={"contribution_spent": Decimal(100_001)})
    r.refresh_from_db()
    r = svc.orp_report_submit(actor=users.orp_blansko, report=r)
    with pytest.raises(PermissionDenied):  # review: kraj staff with the right to approve
        svc.orp_report_review(actor=users.officer, report=r, accept=True)
    with pytest.raises(ValidationError):
        svc.orp_report_review(actor=users.approver, report=r, accept=False, note="")
    r = svc.orp_report_review(actor=users.approver, report=r, accept=False, note="Doplňte účast.")
    assert r.status == "returned"
    r = svc.orp_report_save(actor=users.orp_blansko, report=r, data={"participants": 40})
    r = svc.orp_report_submit(actor=users.orp_blansko, report=r)
    assert svc.orp_report_review(actor=users.approver, report=r, accept=True).status == "accepted"


def test_optimistic_locking_of_plan_edits(t, users):
    from socplan.core.services import StaleEdit

    plan = build_plan(t.jmk)
    svc.plan_update(actor=users.officer, plan=plan, data={"title": "První"}, expected_version=1)
    with pytest.raises(StaleEdit):
        svc.plan_update(actor=users.officer, plan=Plan.objects.get(pk=plan.pk), data={"title": "Druhá"},
                        expected_version=1)
