"""The planning API: published plans to anyone with their document URLs; measures, indicators, comments."""

import pytest

from socplan.planning import services as svc

from .conftest import build_plan

pytestmark = pytest.mark.django_db


def test_plans_list_published_with_document_urls(client, t, users):
    draft = build_plan(t.jmk, title="Návrh")
    approved = build_plan(t.jmk, orp=t.blansko, title="KPSS Blansko", approve=True)
    data = client.get("/api/v1/plans/").json()
    ids = [p["id"] for p in data["results"]]
    assert approved.pk in ids and draft.pk not in ids
    row = next(p for p in data["results"] if p["id"] == approved.pk)
    assert row["orp"] == "6201" and row["status"] == "approved"
    assert row["pdf_url"] == f"http://testserver/planovani/plan/{approved.pk}/dokument.pdf"
    assert row["docx_url"] == f"http://testserver/planovani/plan/{approved.pk}/dokument.docx"
    pdf = client.get(row["pdf_url"])
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    # Kraj staff see the draft as well; another kraj's staff do not.
    client.force_login(users.officer)
    assert draft.pk in [p["id"] for p in client.get("/api/v1/plans/?region=CZ064").json()["results"]]
    client.force_login(users.officer_zlk)
    assert draft.pk not in [p["id"] for p in client.get("/api/v1/plans/").json()["results"]]
    assert client.get(f"/api/v1/plans/{draft.pk}/").status_code == 404


def test_measures_and_indicators(client, t):
    import datetime as dt

    plan = build_plan(t.jmk, orp=t.znojmo, measures=1)
    m = plan.measures.get(code="S1.1")
    svc.measure_budget_set(actor=None, measure=m, year=2025, source="state", amount=250_000)
    svc.plan_approve(actor=None, plan=plan, approved_on=dt.date(2023, 12, 1))
    m.refresh_from_db()
    svc.measure_report_set(actor=None, measure=m, year=2024, state="in_progress", progress=30)
    svc.indicator_value_set(actor=None, indicator=m.indicators.get(), year=2024, value=12)
    measures = client.get(f"/api/v1/measures/?plan={plan.pk}").json()["results"]
    row = next(x for x in measures if x["code"] == "S1.1")
    assert row["expected_cost"] == "250000" and row["reports"] == [{"year": 2024, "state": "in_progress",
                                                                     "progress": 30}]
    inds = client.get(f"/api/v1/indicators/?measure={m.pk}").json()["results"]
    assert inds[0]["targets"] == {"2024": "10.00", "2025": "11.00", "2026": "12.00"}
    assert inds[0]["values"] == {"2024": "12.00"}
    assert client.get("/api/v1/measures/?plan=x").status_code == 400


def test_comment_list_is_the_published_settlement_only(client, t, users):
    plan = build_plan(t.jmk)
    svc.plan_publish_for_comments(actor=None, plan=plan)
    c = svc.comment_submit(actor=None, plan=plan, text="Připomínka", author_name="Jan", author_email="jan@example.cz")
    # anonymous: nothing of this plan until its settlement table is published (the demo has other plans')
    assert client.get(f"/api/v1/comments/?plan={plan.pk}").json()["count"] == 0
    client.force_login(users.officer)
    assert client.get(f"/api/v1/comments/?plan={plan.pk}").json()["count"] == 1
    client.logout()
    svc.comment_resolve(actor=None, comment=c, resolution="rejected", reasoning="Mimo rozsah plánu.")
    svc.settlement_publish(actor=None, plan=plan)
    rows = client.get(f"/api/v1/comments/?plan={plan.pk}").json()["results"]
    assert rows[0]["resolution_label"] == "neakceptováno" and "author_email" not in rows[0]
    assert client.post("/api/v1/comments/", {"plan": plan.pk, "text": "x"}).status_code in (401, 403, 405)
