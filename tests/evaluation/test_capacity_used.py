"""The capacity the evaluation computes with is the registry selector's figure of the year (the approved
network's where it states one); a stored run keeps the figure it used, and the API rows show it."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from socplan.evaluation.adapter import input_frame
from socplan.evaluation.models import EvaluationRun, ServiceEvaluation
from socplan.registry.demo import DEMO_YEAR
from socplan.registry.selectors import service_capacities
from socplan.registry.services import service_year_capacity_set
from socplan.territory.models import Region

pytestmark = pytest.mark.django_db
URL = f"/api/v1/evaluations/{DEMO_YEAR}/"


@pytest.fixture
def referent(client):
    user = get_user_model().objects.get(username="kraj-referent")
    client.force_login(user)
    return user


def _home(region):
    """A residential service of the demo counted in beds."""
    caps = service_capacities(None, DEMO_YEAR, region=region)
    return next(c for sid, c in sorted(caps.items()) if c.capacity_type == "luzka" and c.capacity > 10)


def test_stored_run_rows_carry_the_capacity_they_used(client, referent):
    region = Region.objects.get(code="CZ064")
    truth = service_capacities(None, DEMO_YEAR, region=region)
    run = EvaluationRun.objects.get(region=region, year=DEMO_YEAR)
    stored = {sid: (cap, unit) for sid, cap, unit in
              ServiceEvaluation.objects.filter(run=run).values_list("service_id", "capacity", "capacity_type")}
    rows = client.get(URL, {"region": "CZ064"}).json()["results"]
    assert len(rows) == len(stored) > 400
    for r in rows:
        t = truth[r["service_id"]]
        assert (r["capacity"], r["capacity_type"]) == stored[r["service_id"]]
        assert (r["capacity"], r["capacity_type"]) == ((t.capacity, t.capacity_type) if t.capacity_type
                                                       else (None, ""))


def test_a_stated_figure_reaches_the_live_evaluation_but_not_a_stored_run(client, referent):
    region = Region.objects.get(code="CZ064")
    home = _home(region)
    service_year_capacity_set(actor=referent, service=region.services.get(pk=home.service_id), year=DEMO_YEAR,
                              form=home.form, capacity_type="luzka", count=home.capacity + 5, ref="síť (test)")
    inputs = input_frame(region, DEMO_YEAR, service_ids=[home.service_id])
    assert inputs.frame.set_index("service_id").at[home.service_id, "capacity"] == home.capacity + 5
    assert inputs.meta.at[home.service_id, "capacity_source"] == "network"
    # the stored run was computed before: it shows what it used
    rows = {r["service_id"]: r for r in client.get(URL, {"region": "CZ064"}).json()["results"]}
    assert rows[home.service_id]["capacity"] == home.capacity
    # a live computation uses the stated figure
    EvaluationRun.objects.filter(region=region, year=DEMO_YEAR).delete()
    data = client.get(URL, {"region": "CZ064"}).json()
    assert data["source"] == "live"
    rows = {r["service_id"]: r for r in data["results"]}
    assert (rows[home.service_id]["capacity"], rows[home.service_id]["capacity_type"]) == (home.capacity + 5,
                                                                                         "luzka")
