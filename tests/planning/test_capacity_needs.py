"""Capacity needs of community plans (potřeby kapacit): rules, permissions, the plan in force, copy, pages, API.

The availability side (the figures next to the estimated need) is tested in tests/availability/test_planned.py.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from socplan.planning import selectors
from socplan.planning import services as svc
from socplan.planning.models import CapacityNeed, Plan, PlanStatus
from socplan.registry.models import CapacityType, ServiceKind

from .conftest import PASSWORD, build_plan

pytestmark = pytest.mark.django_db
YEARS = (2031, 2033)  # no demo plan covers these years, so the plan in force is decided by the test alone


@pytest.fixture
def k():
    from types import SimpleNamespace

    return SimpleNamespace(dps=ServiceKind.objects.get(code="49"), ps=ServiceKind.objects.get(code="40"),
                           beds=CapacityType.objects.get(code="luzka"), clients=CapacityType.objects.get(code="klient"))


def need(plan, k, capacity, *, year=2031, kind=None, unit=None, actor=None, **extra):
    return svc.capacity_need_create(actor=actor, plan=plan, kind=kind or k.dps, capacity_type=unit or k.beds,
                                    year=year, capacity=capacity, **extra)


def messages_of(exc) -> str:
    return " ".join(exc.value.messages)


def test_rules_give_specific_czech_errors_and_store_nothing(t, k):
    plan = build_plan(t.jmk, orp=t.blansko, years=YEARS)
    regional = build_plan(t.jmk, years=YEARS)
    other = build_plan(t.jmk, orp=t.znojmo, years=YEARS)
    with translation.override("cs"):
        with pytest.raises(ValidationError) as exc:
            need(plan, k, -5)
        assert "záporn" in messages_of(exc) or "větší nebo rovna 0" in messages_of(exc)
        with pytest.raises(ValidationError) as exc:
            need(plan, k, 10, year=2035)
        assert "Rok musí ležet v období plánu (2031–2033)" in messages_of(exc)
        with pytest.raises(ValidationError) as exc:
            need(regional, k, 10)
        assert "komunitním plánu ORP" in messages_of(exc)
        with pytest.raises(ValidationError) as exc:
            need(plan, k, 10, measure=other.measures.first())
        assert "Opatření patří jinému plánu" in messages_of(exc)
        with pytest.raises(ValidationError) as exc:
            need(plan, k, 10, unit=CapacityType.objects.get(code="hovor"))
        assert "se registruje v jednotkách: lůžka, klienti" in messages_of(exc)
        assert list(exc.value.message_dict) == ["capacity_type"]  # shown next to the unit field
        need(plan, k, 10)
        with pytest.raises(ValidationError) as exc:
            need(plan, k, 12)
        assert "už plán potřebu na rok 2031 uvádí" in messages_of(exc)
        assert list(exc.value.message_dict) == ["year"]
    assert list(CapacityNeed.objects.filter(plan__in=[plan, regional, other]).values_list("capacity", flat=True)) == [
        Decimal("10.0")]


def test_only_the_plans_territory_may_enter_needs_and_only_while_editable(t, k, users):
    plan = build_plan(t.jmk, orp=t.blansko, years=YEARS)
    with pytest.raises(PermissionDenied):
        need(plan, k, 10, actor=users.orp_znojmo)
    with pytest.raises(PermissionDenied):
        need(plan, k, 10, actor=users.officer_zlk)
    row = need(plan, k, 10, actor=users.orp_blansko)
    assert row.history.latest().history_user == users.orp_blansko
    row = svc.capacity_need_update(actor=users.officer, need=row, data={"capacity": Decimal("14.5")},
                                   expected_version=row.version)
    assert row.capacity == Decimal("14.5") and row.history.count() == 2
    svc.plan_approve(actor=None, plan=plan, approved_on=dt.date(2030, 12, 1))
    with pytest.raises(ValidationError, match="už nelze upravovat"):
        svc.capacity_need_update(actor=users.officer, need=CapacityNeed.objects.get(pk=row.pk),
                                 data={"capacity": 1})
    with pytest.raises(ValidationError, match="už nelze upravovat"):
        svc.capacity_need_delete(actor=users.officer, need=CapacityNeed.objects.get(pk=row.pk))
    assert CapacityNeed.objects.get(pk=row.pk).capacity == Decimal("14.5")


def test_the_plan_in_force_speaks_for_the_orp(t, k):
    old = build_plan(t.jmk, orp=t.blansko, years=YEARS, title="Starý")
    need(old, k, 100)
    old = svc.plan_approve(actor=None, plan=old, approved_on=dt.date(2030, 12, 1))
    new = svc.plan_copy(actor=None, source=old, title="Nový", year_from=2031, year_to=2033)
    CapacityNeed.objects.filter(plan=new).update(capacity=Decimal(120))
    draft_znojmo = build_plan(t.jmk, orp=t.znojmo, years=YEARS, title="Znojmo návrh")
    need(draft_znojmo, k, 50)

    # a draft never counts; the approved plan does
    rows = selectors.planned_needs(t.jmk, 2031, "49")
    assert [(r.orp_code, r.capacity, r.plan_id) for r in rows] == [("6201", Decimal(100), old.pk)]
    # published for comments: counts while no approved plan covers the year (Blansko still has one)
    svc.plan_publish_for_comments(actor=None, plan=new)
    svc.plan_publish_for_comments(actor=None, plan=draft_znojmo)
    rows = {r.orp_code: r for r in selectors.planned_needs(t.jmk, 2031, "49")}
    assert rows["6201"].plan_id == old.pk and rows["6220"].plan_status == PlanStatus.COMMENT
    assert rows["6220"].capacity == Decimal(50) and rows["6220"].unit == "luzka"
    # approving the new version supersedes the old one, which stops speaking for the year
    svc.plan_approve(actor=None, plan=Plan.objects.get(pk=new.pk), approved_on=dt.date(2031, 3, 1))
    assert Plan.objects.get(pk=old.pk).status == PlanStatus.SUPERSEDED
    rows = {r.orp_code: r for r in selectors.planned_needs(t.jmk, 2031, "49")}
    assert rows["6201"].plan_id == new.pk and rows["6201"].capacity == Decimal(120)
    assert selectors.planned_needs(t.jmk, 2031, "40") == []
    assert selectors.planned_needs(t.zlk, 2031, "49") == []


def test_copy_shifts_needs_into_the_new_period_and_keeps_the_measure_link(t, k):
    plan = build_plan(t.jmk, orp=t.blansko, years=YEARS)
    measure = plan.measures.get(code="S1.1")
    for year, value in ((2031, 10), (2032, 11), (2033, 12)):
        need(plan, k, value, year=year, measure=measure, basis="šetření")
    copy = svc.plan_copy(actor=None, source=plan, title="Kopie", year_from=2033, year_to=2035)
    rows = list(copy.capacity_needs.order_by("year").values_list("year", "capacity", "measure__code", "basis"))
    assert rows == [(2033, Decimal(10), "S1.1", "šetření"), (2034, Decimal(11), "S1.1", "šetření"),
                    (2035, Decimal(12), "S1.1", "šetření")]
    assert copy.capacity_needs.first().measure.plan_id == copy.pk


def test_coordinator_enters_a_need_on_the_plan_page(client, t, k, users):
    plan = build_plan(t.jmk, orp=t.blansko, years=YEARS)
    url = f"/planovani/plan/{plan.pk}/potreba/nova/"
    data = {"kind": k.dps.pk, "capacity_type": k.beds.pk, "year": 2032, "capacity": "-3", "basis": "pořadníky"}
    client.login(username="orp_znojmo", password=PASSWORD)
    assert client.post(url, data).status_code == 403
    client.login(username="orp_blansko", password=PASSWORD)
    response = client.post(url, data)
    assert response.status_code == 200 and not CapacityNeed.objects.filter(plan=plan).exists()
    assert "větší nebo rovna 0" in response.content.decode()  # Django's Czech message for the minimum
    response = client.post(url, {**data, "capacity": "42,5"})
    assert response.status_code == 302 and response.url.endswith("#potreby")
    row = CapacityNeed.objects.get(plan=plan)
    assert (row.year, row.capacity, row.basis) == (2032, Decimal("42.5"), "pořadníky")
    page = client.get(f"/planovani/plan/{plan.pk}/").content.decode()
    assert 'data-testid="capacity-needs"' in page and "42,5" in page
    assert f"/planovani/potreba/{row.pk}/upravit/" in page
    response = client.post(f"/planovani/potreba/{row.pk}/upravit/", {"delete": "1"})
    assert response.status_code == 302 and not CapacityNeed.objects.filter(pk=row.pk).exists()


def test_api_lists_published_needs_to_anyone(client, t, k):
    demo = CapacityNeed.objects.filter(plan__orp__code="6201", plan__status=PlanStatus.APPROVED, year=2026,
                                       kind__code="49").get()
    data = client.get("/api/v1/capacity-needs/?orp=6201&kind=49&year=2026").json()
    assert [r["id"] for r in data["results"]] == [demo.pk]
    row = data["results"][0]
    assert row["unit"] == "luzka" and Decimal(row["capacity"]) == demo.capacity and row["plan_status"] == "approved"
    draft = build_plan(t.jmk, orp=t.blansko, years=YEARS)
    hidden = need(draft, k, 10)
    ids = [r["id"] for r in client.get(f"/api/v1/capacity-needs/?plan={draft.pk}").json()["results"]]
    assert hidden.pk not in ids


def test_plan_documents_carry_the_needs_table(client):
    from openpyxl import load_workbook

    from .test_documents import pdf_text

    plan = Plan.objects.get(orp__code="6201", year_from=2026, status=PlanStatus.APPROVED)
    expected = {(n.kind.code, n.year): n.capacity for n in plan.capacity_needs.select_related("kind")}
    assert len(expected) == 6 * 3  # six kinds over the three years of the demo plan
    response = client.get(f"/planovani/plan/{plan.pk}/dokument.xlsx")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = next(ws for ws in wb.worksheets if ws.title.startswith("Potřebná kapacita"))
    header = [c.value for c in sheet[1]]
    assert header[2:] == ["2026", "2027", "2028"]
    got = {}
    for row in sheet.iter_rows(min_row=2, values_only=True):
        code = row[0].split()[1]
        for year, value in zip((2026, 2027, 2028), row[2:], strict=True):
            got[(code, year)] = Decimal(str(value))
    assert got == expected
    text, _ = pdf_text(b"".join(client.get(f"/planovani/plan/{plan.pk}/dokument.pdf").streaming_content))
    assert "Potřeby kapacit služeb" in text
    assert f"§ 49 {ServiceKind.objects.get(code='49').name}" in text
