"""Pages of the evaluation module: access (public methodology, private results), the methodology editor
(validation with Czech messages), results, a service's breakdown, assessments, benchmarking and
"where my service stands" (no other provider named)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from socplan.evaluation.models import (
    Assessment,
    Criterion,
    EvaluationRun,
    Indicator,
    Methodology,
    Scale,
    ServiceEvaluation,
)
from socplan.evaluation.services import methodology_copy_to_year
from socplan.registry.demo import DEMO_YEAR
from socplan.registry.models import Provider, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    return {u.username: u for u in get_user_model().objects.filter(
        username__in=["kraj-spravce", "kraj-referent", "poskytovatel", "orp-blansko", "admin"])}


@pytest.fixture
def as_user(client, users):
    def login(name):
        client.force_login(users[name])
        return client
    return login


@pytest.fixture
def approved():
    return Methodology.objects.get(region__code="CZ064", year=DEMO_YEAR, revision=1)


@pytest.fixture
def draft(approved):
    return methodology_copy_to_year(actor=None, methodology=approved, year=DEMO_YEAR)


@pytest.fixture
def own_service(users):
    provider = users["poskytovatel"].role_assignments.get().provider
    return Service.objects.filter(provider=provider, region__code="CZ064", evaluations__isnull=False).first()


@pytest.fixture
def other_service(own_service):
    return Service.objects.filter(region__code="CZ064", evaluations__isnull=False).exclude(
        provider=own_service.provider).first()


def _text(response) -> str:
    return response.content.decode()


# --- methodology -------------------------------------------------------------------------------------------------

def test_index_and_public_methodology_pages(client, approved):
    assert client.get(reverse("evaluation:index")).status_code == 200
    assert client.get(reverse("evaluation:methodology_list")).status_code == 200
    r = client.get(reverse("evaluation:methodology_detail", args=[approved.pk]))
    assert r.status_code == 200
    html = _text(r)
    assert "Specifikum služby" in html and "24 %" in html and "Součet vah" in html
    r = client.get(reverse("evaluation:methodology_print", args=[approved.pk]))
    assert r.status_code == 200
    html = _text(r)
    assert "Náklady na lůžkoden" in html and "≤ 0,9 → 10 b." in html and "Práh pro síť" in html
    ind = Indicator.objects.get(methodology=approved, code="cost_per_bed_day")
    assert client.get(reverse("evaluation:indicator_detail", args=[approved.pk, ind.pk])).status_code == 200


def test_editor_access(client, as_user, draft):
    url = reverse("evaluation:methodology_edit", args=[draft.pk])
    r = client.get(url)
    assert r.status_code == 302 and reverse("login") in r.url
    assert as_user("poskytovatel").get(url).status_code == 403
    assert as_user("orp-blansko").get(url).status_code == 403
    assert as_user("kraj-referent").get(url).status_code == 200


def test_weights_form_rejects_a_bad_sum_and_saves_a_good_one(as_user, draft):
    c = as_user("kraj-referent")
    url = reverse("evaluation:methodology_edit", args=[draft.pk])
    page = c.get(url)
    fields = dict(re.findall(r'name="([ws]_[A-Za-z_]+)"[^>]*value="([^"]*)"', _text(page)))
    assert fields["w_SPEC"] == "24" and fields["s_cost_per_fte"] == "3"
    data = {**fields, "expected_version": draft.version, "w_SPEC": "19"}
    r = c.post(url, data)
    assert r.status_code == 200
    assert "Součet vah kritérií je 95 %, musí být 100 %." in _text(r)
    assert Criterion.objects.get(methodology=draft, code="SPEC").weight == 24
    data.update({"w_SPEC": "19,5", "w_ZDROJE": "16,5"})
    r = c.post(url, data)
    assert r.status_code == 302
    assert Criterion.objects.get(methodology=draft, code="SPEC").weight == 19.5
    assert Criterion.objects.get(methodology=draft, code="ZDROJE").weight == 16.5
    # a second submit of the old version is refused (optimistic locking)
    r = c.post(url, {**data, "w_SPEC": "24", "w_ZDROJE": "12"})
    assert r.status_code == 200 and "mezitím změnil jiný uživatel" in _text(r)


def test_approved_methodology_cannot_be_edited(as_user, approved):
    r = as_user("kraj-referent").get(reverse("evaluation:methodology_edit", args=[approved.pk]))
    assert r.status_code == 302 and r.url == reverse("evaluation:methodology_detail", args=[approved.pk])


def test_scale_editor(as_user, draft):
    c = as_user("kraj-referent")
    scale = Scale.objects.get(indicator__methodology=draft, indicator__code="cost_per_fte", key="*")
    url = reverse("evaluation:scale_edit", args=[draft.pk, scale.pk])
    page = _text(c.get(url))
    assert "hodnota nejvýše (≤)" in page and 'value="0,9"' in page
    base = {"expected_version": draft.version, "applicable": "on", "points_extra": "0"}
    bands = {"threshold_0": "0,9", "points_0": "10", "threshold_1": "1", "points_1": "5", "threshold_2": "1,1",
             "points_2": "8", "threshold_3": "1,25", "points_3": "2"}
    r = c.post(url, {**base, **bands})
    assert r.status_code == 200
    assert "body musí s rostoucí hodnotou klesat nebo zůstat stejné" in _text(r)
    scale.refresh_from_db()
    assert scale.points == [10, 8, 5, 2, 0]
    r = c.post(url, {**base, **bands, "points_1": "8", "points_2": "5", "threshold_3": ""})
    assert r.status_code == 200 and "Vyplňte u pásma hranici i body." in _text(r)
    r = c.post(url, {**base, **bands, "points_1": "8", "points_2": "4"})
    assert r.status_code == 302
    scale.refresh_from_db()
    assert scale.thresholds == [0.9, 1.0, 1.1, 1.25] and scale.points == [10, 8, 4, 2, 0]


def test_thresholds_references_copy_approve_create(as_user, draft, users):
    c = as_user("kraj-spravce")
    r = c.post(reverse("evaluation:threshold_edit", args=[draft.pk]),
               {"expected_version": draft.version, "t_0": "50", "new_key": "49", "new_value": "55"})
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.thresholds == {"*": 50.0, "49": 55.0}
    ind = Indicator.objects.get(methodology=draft, code="cost_per_bed_day")
    refs = {r.key: r for r in ind.references.all()}
    url = reverse("evaluation:reference_edit", args=[draft.pk, ind.pk])
    data = {"expected_version": draft.version, **{f"r_{r.pk}": str(r.value) for r in refs.values()}}
    data[f"r_{refs['49'].pk}"] = "1 950"
    assert c.post(url, data).status_code == 302
    assert ind.references.get(key="49").value == 1950
    r = c.post(reverse("evaluation:methodology_approve", args=[draft.pk]),
               {"expected_version": Methodology.objects.get(pk=draft.pk).version})
    assert r.status_code == 302
    assert Methodology.objects.get(pk=draft.pk).is_approved
    r = c.post(reverse("evaluation:methodology_copy_create", args=[draft.pk]), {"year": DEMO_YEAR + 1})
    new = Methodology.objects.get(region__code="CZ064", year=DEMO_YEAR + 1)
    assert r.status_code == 302 and r.url == reverse("evaluation:methodology_detail", args=[new.pk])
    assert new.thresholds == {"*": 50.0, "49": 55.0} and new.copied_from_id == draft.pk
    r = c.post(reverse("evaluation:methodology_create"), {"region": draft.region_id, "year": 2030})
    assert r.status_code == 302 and Methodology.objects.filter(year=2030).exists()
    # an officer without the right to approve cannot approve
    other = Methodology.objects.get(year=2030)
    r = as_user("kraj-referent").post(reverse("evaluation:methodology_approve", args=[other.pk]))
    assert r.status_code == 403


# --- results and breakdowns ------------------------------------------------------------------------------------------

def test_results_are_private_and_scoped(client, as_user, own_service):
    url = reverse("evaluation:results", args=["CZ064", DEMO_YEAR])
    assert client.get(url).status_code == 302  # anonymous → login
    run = EvaluationRun.objects.get(region__code="CZ064", year=DEMO_YEAR)
    html = _text(as_user("kraj-referent").get(url))
    assert html.count('href="/hodnoceni/sluzba/') == run.n_services
    html = _text(as_user("poskytovatel").get(url))
    own = ServiceEvaluation.objects.filter(run=run, service__provider=own_service.provider).count()
    assert html.count('href="/hodnoceni/sluzba/') == own > 0
    others = Provider.objects.filter(services__region__code="CZ064").exclude(pk=own_service.provider_id)
    assert not any(p.name in html for p in others.distinct())


def test_results_sorting_and_filter(as_user):
    c = as_user("kraj-referent")
    html = _text(c.get(reverse("evaluation:results", args=["CZ064", DEMO_YEAR]), {"sort": "score", "dir": "desc"}))
    run = EvaluationRun.objects.get(region__code="CZ064", year=DEMO_YEAR)
    best = ServiceEvaluation.objects.filter(run=run).order_by("-score", "service_id").first()
    first_link = re.search(r'href="/hodnoceni/sluzba/(\d+)/', html).group(1)
    assert ServiceEvaluation.objects.get(run=run, service_id=int(first_link)).score == best.score
    html = _text(c.get(reverse("evaluation:results", args=["CZ064", DEMO_YEAR]), {"pod_prahem": "1"}))
    assert html.count('href="/hodnoceni/sluzba/') == ServiceEvaluation.objects.filter(
        run=run, meets_threshold=False).count()
    assert "splňuje</span>" not in html


def test_breakdown_page(client, as_user, own_service, other_service):
    url = reverse("evaluation:service_breakdown", args=[own_service.pk, DEMO_YEAR])
    assert url == f"/hodnoceni/sluzba/{own_service.pk}/{DEMO_YEAR}/"
    assert client.get(url).status_code == 302
    r = as_user("poskytovatel").get(url)
    assert r.status_code == 200
    result = ServiceEvaluation.objects.get(run__region__code="CZ064", run__year=DEMO_YEAR, service=own_service)
    html = _text(r)
    assert result.message.split(":")[0] in html
    assert "příspěvek = body × váha / maximum bodů" in html
    assert html.count("data-indicator=") == len(result.breakdown)
    assert as_user("poskytovatel").get(
        reverse("evaluation:service_breakdown", args=[other_service.pk, DEMO_YEAR])).status_code == 404
    assert as_user("orp-blansko").get(url).status_code == 404
    assert as_user("kraj-referent").get(url).status_code == 200


def test_breakdown_below_threshold_explains_why(as_user):
    run = EvaluationRun.objects.get(region__code="CZ064", year=DEMO_YEAR)
    low = ServiceEvaluation.objects.filter(run=run, meets_threshold=False).first()
    html = _text(as_user("kraj-referent").get(reverse("evaluation:service_breakdown",
                                                      args=[low.service_id, DEMO_YEAR])))
    assert "Služba nedosáhla prahu pro síť" in html and "Nejvíce bodů ztrácí u ukazatelů" in html


def test_breakdown_live_without_a_run(as_user, own_service):
    EvaluationRun.objects.filter(region__code="CZ064").delete()
    html = _text(as_user("poskytovatel").get(reverse("evaluation:service_breakdown",
                                                     args=[own_service.pk, DEMO_YEAR])))
    assert "Průběžný výpočet z aktuálních údajů" in html and 'id="total"' in html


def test_assessment_edit(as_user, own_service):
    url = reverse("evaluation:assessment_edit", args=[own_service.pk, DEMO_YEAR])
    assert as_user("poskytovatel").get(url).status_code == 403
    c = as_user("kraj-referent")
    assert c.get(url).status_code == 200
    a = Assessment.objects.get(service=own_service, year=DEMO_YEAR)
    data = {f: getattr(a, f) if getattr(a, f) is not None else "" for f in (
        "grade_specifics", "grade_cooperation", "grade_community_planning", "grade_inspection", "grade_complaints",
        "inspection_findings", "complaints_note", "cooperation_note", "specifics_note", "clients", "bed_days",
        "contacts", "interventions")}
    data.update({"grade_inspection": "", "inspection_findings": "Zjištění odstraněna.", "expected_version": a.version})
    r = c.post(url, data)
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.grade_inspection is None and a.inspection_findings == "Zjištění odstraněna."
    r = c.post(url, {**data, "grade_inspection": "4", "expected_version": a.version})
    assert r.status_code == 200  # not a grade 0–3


def test_run_create(as_user):
    c = as_user("kraj-referent")
    before = EvaluationRun.objects.filter(region__code="CZ064", year=DEMO_YEAR).count()
    r = c.post(reverse("evaluation:run_create", args=["CZ064", DEMO_YEAR]))
    assert r.status_code == 302
    assert EvaluationRun.objects.filter(region__code="CZ064", year=DEMO_YEAR).count() == before + 1
    assert as_user("poskytovatel").post(reverse("evaluation:run_create", args=["CZ064", DEMO_YEAR])).status_code == 403


# --- benchmarking ------------------------------------------------------------------------------------------------------

def test_benchmark_for_region_staff(as_user):
    url = reverse("evaluation:benchmark", args=["CZ064", DEMO_YEAR])
    r = as_user("kraj-referent").get(url, {"ukazatel": "cost_per_bed_day"})
    assert r.status_code == 200
    html = _text(r)
    assert "<svg" in html and "class=\"boxplot\"" in html and "§ 49 pobytová" in html
    assert "referenční hodnota metodiky" in html
    assert as_user("poskytovatel").get(url).status_code == 404


def test_where_my_service_stands_names_no_other_provider(as_user, own_service):
    r = as_user("poskytovatel").get(reverse("evaluation:service_standing", args=[own_service.pk, DEMO_YEAR]))
    assert r.status_code == 200
    html = _text(r)
    assert "data-indicator=" in html
    others = Provider.objects.filter(services__region__code="CZ064").exclude(pk=own_service.provider_id).distinct()
    assert not any(p.name in html for p in others)
    others_services = Service.objects.filter(region__code="CZ064").exclude(provider=own_service.provider)
    assert not any(f"/sluzba/{s.pk}/" in html for s in others_services)


def test_previous_year_without_staffing_data(as_user):
    """The demo has staffing/economics only for the demo year: the year before is computed live and every
    service has missing data – pages still work and say so."""
    c = as_user("kraj-referent")
    r = c.get(reverse("evaluation:results", args=["CZ064", DEMO_YEAR - 1]))
    assert r.status_code == 200 and "průběžný výpočet" in _text(r)
    r = c.get(reverse("evaluation:benchmark", args=["CZ064", DEMO_YEAR - 1]))
    assert r.status_code == 200 and "Pro ukazatel nejsou žádné hodnoty." in _text(r)
    assert c.get(reverse("evaluation:results", args=["CZ064", 1999])).status_code == 404
