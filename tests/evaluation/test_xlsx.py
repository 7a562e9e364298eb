"""XLSX export of the evaluation: opened with openpyxl; numbers are numbers; scoped to the user."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from socplan.evaluation.models import EvaluationRun, ServiceEvaluation
from socplan.registry.demo import DEMO_YEAR

pytestmark = pytest.mark.django_db


def _workbook(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    r = client.get(reverse("evaluation:results_xlsx", args=["CZ064", DEMO_YEAR]))
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return load_workbook(io.BytesIO(r.content))


def _rows(ws):
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    return header, [dict(zip(header, r, strict=False)) for r in rows[1:] if r and isinstance(r[0], int)]


def test_full_export_for_region_staff(client):
    wb = _workbook(client, "kraj-referent")
    assert wb.sheetnames[:3] == ["Výsledky", "Rozpad bodů", "Metodika"]
    run = EvaluationRun.objects.get(region__code="CZ064", year=DEMO_YEAR)
    _h, results = _rows(wb["Výsledky"])
    assert len(results) == run.n_services
    stored = {r.service_id: r for r in ServiceEvaluation.objects.filter(run=run)}
    for row in results:
        s = stored[row["ID služby"]]
        assert isinstance(row["Body"], (int, float)) and row["Body"] == pytest.approx(s.score)  # a number
        assert row["Pořadí v druhu"] == s.rank
        assert row["Splňuje práh"] == ("ano" if s.meets_threshold else "ne")
    _h, detail = _rows(wb["Rozpad bodů"])
    assert len(detail) == sum(len(s.breakdown) for s in stored.values())
    # contributions of one service add up to its score
    sid = results[0]["ID služby"]
    total = sum(r["Příspěvek (body)"] for r in detail if r["ID služby"] == sid)
    assert total == pytest.approx(stored[sid].score, abs=1e-6)
    crit = [r for r in wb["Metodika"].iter_rows(values_only=True)][1:7]
    assert sum(r[2] for r in crit) == pytest.approx(100)


def test_provider_export_holds_only_own_services(client):
    u = get_user_model().objects.get(username="poskytovatel")
    provider = u.role_assignments.get().provider
    wb = _workbook(client, "poskytovatel")
    _h, results = _rows(wb["Výsledky"])
    assert results and {r["Poskytovatel"] for r in results} == {provider.name}
    _h, detail = _rows(wb["Rozpad bodů"])
    assert {r["ID služby"] for r in detail} == {r["ID služby"] for r in results}
    assert "Nehodnocené" not in wb.sheetnames


def test_anonymous_cannot_download(client):
    r = client.get(reverse("evaluation:results_xlsx", args=["CZ064", DEMO_YEAR]))
    assert r.status_code == 302
