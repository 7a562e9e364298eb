"""`socplan evaluate --region CZ064 --year YYYY [--json] [--store]`: the JSON schema and its agreement with the
stored results."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from socplan.evaluation.models import EvaluationRun, ServiceEvaluation
from socplan.registry.demo import DEMO_YEAR
from socplan.registry.models import Service

pytestmark = pytest.mark.django_db


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("evaluate", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_schema():
    out, _err = _run("--region", "CZ064", "--year", str(DEMO_YEAR), "--json")
    data = json.loads(out)
    assert set(data) == {"region", "year", "results"}
    assert data["region"] == "CZ064" and data["year"] == DEMO_YEAR
    results = data["results"]
    assert len(results) > 400
    kinds = set(Service.objects.values_list("kind__code", flat=True))
    ids = [r["service_id"] for r in results]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert set(Service.objects.filter(pk__in=ids).values_list("pk", flat=True)) == set(ids)  # = Service pk
    for r in results:
        assert set(r) == {"service_id", "kind", "score", "rank", "meets_threshold", "missing"}
        assert isinstance(r["service_id"], int)
        assert isinstance(r["kind"], str) and r["kind"] in kinds and not r["kind"].startswith("§")
        assert isinstance(r["score"], float) and 0 <= r["score"] <= 100 and round(r["score"], 2) == r["score"]
        assert isinstance(r["rank"], int) and r["rank"] >= 1
        assert isinstance(r["meets_threshold"], bool)
        assert isinstance(r["missing"], list) and all(isinstance(m, str) for m in r["missing"])
    assert any(r["missing"] for r in results)  # the demo has gaps
    # ranks within a kind: 1 is the best score
    by_kind = {}
    for r in results:
        by_kind.setdefault(r["kind"], []).append(r)
    for rows in by_kind.values():
        best = max(rows, key=lambda r: r["score"])
        assert best["rank"] == 1
        assert all((a["score"] > b["score"]) == (a["rank"] < b["rank"]) for a in rows for b in rows
                   if a["score"] != b["score"])


def test_json_agrees_with_the_stored_run():
    out, _err = _run("--region", "CZ064", "--year", str(DEMO_YEAR), "--json")
    data = {r["service_id"]: r for r in json.loads(out)["results"]}
    run = EvaluationRun.objects.get(region__code="CZ064", year=DEMO_YEAR)
    for r in ServiceEvaluation.objects.filter(run=run):
        assert data[r.service_id]["score"] == round(r.score, 2)
        assert data[r.service_id]["rank"] == r.rank


def test_store_and_text_output():
    before = EvaluationRun.objects.count()
    out, err = _run("--region", "CZ064", "--year", str(DEMO_YEAR), "--store")
    assert EvaluationRun.objects.count() == before + 1
    assert "uloženo jako výpočet" in err
    assert "Hodnoceno" in out and "práh splňuje" in out


def test_errors():
    with pytest.raises(CommandError, match="Neznámý kraj"):
        _run("--region", "XX000", "--year", str(DEMO_YEAR))
    with pytest.raises(CommandError, match="není žádná metodika"):
        _run("--region", "CZ064", "--year", "1999", "--json")


def test_background_job_kind():
    from socplan.core.jobs import KINDS, job_run_now

    assert "evaluation_run" in KINDS
    before = EvaluationRun.objects.count()
    job = job_run_now(actor=None, kind="evaluation_run", params={"region": "CZ064", "year": DEMO_YEAR})
    assert job.status == "done", job.message
    assert job.result["run_id"] == EvaluationRun.objects.latest("pk").pk
    assert EvaluationRun.objects.count() == before + 1 and job.progress == 100
