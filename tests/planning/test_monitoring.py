"""Monitoring overview numbers reconcile with the statuses entered (hand-counted, see docs/planning.md)."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from socplan.planning import selectors
from socplan.planning import services as svc

from .conftest import build_plan

pytestmark = pytest.mark.django_db

# (measure code, year → (state, progress)) entered for the plan 2024–2026 of build_plan(measures=3):
ENTRIES = {
    "A.1": {2024: ("in_progress", 40), 2025: ("done", 100)},
    "A.2": {2024: ("in_progress", 60)},
    "A.3": {2024: ("not_started", 0), 2025: ("dropped", 0)},
    "S1.1": {2025: ("late", 70)},
    "S1.2": {},
    "S1.3": {2024: ("in_progress", 50), 2025: ("in_progress", 80)},
}
# Hand count for 2025 (all six measures run 2024–2026, so all are in scope and none is overdue):
EXPECTED_2025 = {"done": 1, "in_progress": 2, "late": 1, "dropped": 1, "not_started": 0, "not_reported": 1}
MEAN_2025 = Decimal("62.0")  # (100 + 60 + 70 + 0 + 80) / 5 = 310 / 5; dropped A.3 left out, S1.2 counts 0
# Hand count for 2027 (the plan ended in 2026: what is still running counts as late):
EXPECTED_2027 = {"done": 1, "in_progress": 0, "late": 3, "dropped": 1, "not_started": 0, "not_reported": 1}


@pytest.fixture
def monitored(t):
    plan = build_plan(t.jmk, years=(2024, 2026), measures=3, approve=True)
    for code, years in ENTRIES.items():
        m = plan.measures.get(code=code)
        for year, (state, progress) in years.items():
            svc.measure_report_set(actor=None, measure=m, year=year, state=state, progress=progress)
    # Indicator values for 2025: targets are 11 for every indicator (10 + 1).
    values = {"A.1": 12, "A.2": 11, "A.3": 5, "S1.1": 9}
    for code, value in values.items():
        svc.indicator_value_set(actor=None, indicator=plan.measures.get(code=code).indicators.get(), year=2025,
                                value=value)
    return plan


def test_selector_counts(monitored):
    f = selectors.plan_fulfilment(monitored, 2025)
    assert f.counts == EXPECTED_2025 and f.in_scope == 6
    assert f.mean_progress == MEAN_2025
    assert f.indicator_counts == {"met": 2, "not_met": 2, "no_value": 2, "no_target": 0}
    f27 = selectors.plan_fulfilment(monitored, 2027)
    assert f27.counts == EXPECTED_2027


def _table_counts(html: str, testid: str) -> dict[str, int]:
    table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    return {label.strip(): int(n) for label, n in re.findall(r"<tr><td>([^<]+)</td><td class=\"num\">(\d+)</td></tr>",
                                                               table)}


def test_public_fulfilment_page_shows_the_same_numbers(client, monitored):
    html = client.get(f"/planovani/plan/{monitored.pk}/plneni/?rok=2025").content.decode()
    counts = _table_counts(html, "state-counts")
    assert counts == {"splněno": 1, "probíhá": 2, "zpožděno": 1, "zrušeno": 1, "nezahájeno": 0, "nevykázáno": 1}
    assert re.search(r'data-testid="in-scope">6<', html)
    assert re.search(r'data-testid="mean-progress">62,0\s*%', html)
    assert _table_counts(html, "indicator-counts") == {"cíl splněn": 2, "cíl nesplněn": 2, "bez hodnoty": 2,
                                                       "bez cíle": 0}
    assert "<svg" in html and "<script" not in html.split("<footer", 1)[0]


def test_regional_view_aggregates_orp_plans(client, t):
    blansko = build_plan(t.jmk, orp=t.blansko, years=(2024, 2026), measures=1, approve=True)
    znojmo = build_plan(t.jmk, orp=t.znojmo, years=(2024, 2026), measures=1, approve=True)
    svc.measure_report_set(actor=None, measure=blansko.measures.get(code="A.1"), year=2024, state="done",
                           progress=100)
    svc.measure_report_set(actor=None, measure=znojmo.measures.get(code="S1.1"), year=2024, state="late",
                           progress=20)
    agg, rows = selectors.region_fulfilment(t.jmk, 2024)
    assert agg.plans == 2 and agg.in_scope == 4  # 2 measures per plan
    assert agg.counts["done"] == 1 and agg.counts["late"] == 1 and agg.counts["not_reported"] == 2
    assert len(rows) == 21 and sum(1 for r in rows if r.plan is None) == 19
    assert agg.mean_progress == Decimal("30.0")  # (100 + 0 + 20 + 0) / 4
    html = client.get("/planovani/kraj/CZ064/plneni/?rok=2024").content.decode()
    assert 'data-testid="plans">2<' in html and 'data-testid="total-measures">4<' in html


def test_report_page_entry_by_coordinator(client, t, users):
    plan = build_plan(t.jmk, orp=t.blansko, years=(2024, 2026), measures=1, approve=True)
    m = plan.measures.get(code="S1.1")
    ind = m.indicators.get()
    url = f"/planovani/opatreni/{m.pk}/plneni/2024/"
    client.force_login(users.orp_znojmo)
    assert client.get(url).status_code == 403
    client.force_login(users.orp_blansko)
    r = client.post(url, {"state": "in_progress", "progress": "35", "comment": "Běží.", f"value_{ind.pk}": "10,5"})
    assert r.status_code == 302
    f = selectors.plan_fulfilment(plan, 2024)
    assert f.measures[m.pk].progress == 35 and f.indicators[ind.pk].value == Decimal("10.5")
    html = client.get(f"/planovani/opatreni/{m.pk}/").content.decode()
    assert "35 %" in html and "probíhá" in html


def test_milestones_on_the_timeline(client, t):
    plan = build_plan(t.jmk, years=(2024, 2026), measures=1, approve=True)
    m = plan.measures.get(code="A.1")
    svc.milestone_create(actor=None, measure=m, title="Analýza hotová", due_on=dt.date(2024, 6, 30),
                         done_on=dt.date(2024, 6, 1))
    svc.milestone_create(actor=None, measure=m, title="Pilotní provoz", due_on=dt.date(2025, 3, 31))
    html = client.get(f"/planovani/opatreni/{m.pk}/").content.decode()
    assert 'class="done">Analýza hotová' in html
    assert "Pilotní provoz" in html
