"""Availability pages (Django test client; the Chromium test is tests/browser/test_availability_browser.py)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from socplan.availability.demo import DEMO_SCENARIO
from socplan.availability.models import CoverageTarget, Scenario, TravelTimeMatrix
from socplan.core.models import Job
from socplan.territory.models import Municipality


def login(client, name):
    client.force_login(get_user_model().objects.get(username=name))
    return client


@pytest.mark.django_db
def test_pages_need_login(client):
    response = client.get("/dostupnost/")
    assert response.status_code == 302 and "/ucet/login/" in response.url


@pytest.mark.django_db
@pytest.mark.parametrize("url, text", [
    ("/dostupnost/", "Dostupnost a potřebnost služeb"),
    ("/dostupnost/pokryti/?kind=49&level=orp", "Pořadí ORP podle mezery"),
    ("/dostupnost/pokryti/?kind=40&level=obec", "Letovice"),
    ("/dostupnost/pokryti/?kind=37&level=okres", "Břeclav"),
    ("/dostupnost/pokryti/?kind=49&level=kraj", "Jihomoravský kraj"),
    ("/dostupnost/dostupnost/?kind=49&method=e2sfca&radius_km=20", "E2SFCA, gaussovský útlum (σ = 10 km)"),
    ("/dostupnost/dostupnost/?kind=49&method=bfca&radius_km=20", "BFCA (vyvážená), gaussovský útlum (σ = 10 km)"),
    ("/dostupnost/scenare/", DEMO_SCENARIO),
    ("/dostupnost/scenare/novy/", "Uložit a přepočítat"),
    ("/dostupnost/kde-pridat/", "Spustit výpočet"),
    ("/dostupnost/parametry/", "domovy pro seniory"),
    ("/dostupnost/matice/", "Matice dojezdových časů"),
])
def test_pages(client, url, text):
    response = login(client, "kraj-referent").get(url)
    assert response.status_code == 200
    assert text in response.content.decode()


@pytest.mark.django_db
def test_coverage_page_shows_map_legend_ranking_and_estimate_note(client):
    html = login(client, "kraj-referent").get("/dostupnost/pokryti/?kind=49&level=orp&year=2026").content.decode()
    assert html.count('class="choropleth"') == 1 and html.count("<path d=") == 21  # the 21 ORP outlines
    assert len(re.findall(r'data-testid="legend-class"', html)) == 5  # quantile classes
    assert 'class="marker"' in html  # facility markers
    assert 'data-testid="bars"' in html and html.count("<rect class=") == 21
    assert "věková skupina odhadnuta" in html  # 80+ per obec is an estimate
    assert 'data-rag="red"' in html and 'data-rag="green"' in html
    # with the national extract every kraj has services: the comparison with the country is shown
    assert "Srovnání s ČR není k dispozici" not in html and "vůči ČR" in html


@pytest.mark.django_db
def test_scenario_pages_round_trip(client):
    login(client, "kraj-referent")
    response = client.post("/dostupnost/scenare/novy/", {
        "region_code": "CZ064", "name": "Nový DZR Znojmo", "kind": "50", "year": 2026, "method": "2sfca",
        "radius_km": "30", "shared_with": "", "note": "", "add_obec_1": "593711", "add_capacity_1": "40",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    scenario = Scenario.objects.get(name="Nový DZR Znojmo")
    assert scenario.changes == [{"op": "add", "obec": "593711", "capacity": 40}]
    page = client.get(response.url).content.decode()
    assert "přidat 40" in page and 'data-testid="compare"' in page
    znojmo = next(r for r in scenario.results["orp"] if r["code"] == "6220")
    assert znojmo["capacity"] - znojmo["capacity_base"] == 40
    # edit: share with the Znojmo district team, population of 2030
    data = {"name": scenario.name, "kind": "50", "year": 2026, "method": "2sfca", "radius_km": "30",
            "shared_with": str(scenario.region.districts.get(code="CZ0647").pk), "note": "",
            "add_obec_1": "593711", "add_capacity_1": "40", "population_year": "2030",
            "expected_version": scenario.version}
    assert client.post(f"/dostupnost/scenare/{scenario.pk}/upravit/", data).status_code == 302
    scenario.refresh_from_db()
    assert scenario.shared_with.code == "CZ0647" and scenario.results["population_year"] == 2030
    # a second submit with the old version is refused and shows what changed
    stale = client.post(f"/dostupnost/scenare/{scenario.pk}/upravit/", {**data, "name": "jiný"})
    assert stale.status_code == 200 and "jiný uživatel" in stale.content.decode()
    assert client.post(f"/dostupnost/scenare/{scenario.pk}/prepocitat/").status_code == 302
    # another district team cannot open it
    client.logout()
    assert login(client, "okres-blansko").get(f"/dostupnost/scenare/{scenario.pk}/").status_code == 404
    # district teams never delete scenarios (Scenario.SCOPE["delete_roles"]): refused up front, whatever the row
    assert client.post(f"/dostupnost/scenare/{scenario.pk}/smazat/").status_code == 403
    assert Scenario.objects.filter(pk=scenario.pk).exists()
    client.logout()
    assert login(client, "kraj-referent").post(f"/dostupnost/scenare/{scenario.pk}/smazat/").status_code == 302
    assert not Scenario.objects.filter(pk=scenario.pk).exists()


@pytest.mark.django_db
def test_scenario_form_errors(client):
    login(client, "kraj-referent")
    response = client.post("/dostupnost/scenare/novy/", {
        "region_code": "CZ064", "name": "x", "kind": "49", "year": 2026, "method": "2sfca", "radius_km": "30",
        "add_obec_1": "581283"})
    assert response.status_code == 200 and "Vyplňte obec i počet jednotek" in response.content.decode()


@pytest.mark.django_db
def test_parameters_edit_by_region_staff_only(client):
    target = CoverageTarget.objects.get(region__code="CZ064", year=2026, kind__code="49")
    login(client, "okres-blansko")
    assert client.get(f"/dostupnost/parametry/cil/{target.pk}/").status_code == 403
    assert client.get("/dostupnost/parametry/cil/novy/").status_code == 403
    client.logout()
    login(client, "kraj-referent")
    page = client.get(f"/dostupnost/parametry/cil/{target.pk}/").content.decode()
    assert "Historie změn" in page
    response = client.post(f"/dostupnost/parametry/cil/{target.pk}/", {
        "year": 2026, "kind": target.kind.pk, "band": "80+", "capacity_type": target.capacity_type.pk,
        "per_1000": "65", "source": "usnesení rady kraje", "is_assumption": "", "note": "",
        "expected_version": target.version})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.per_1000 == 65 and not target.is_assumption and target.version == 2
    response = client.post("/dostupnost/parametry/mira/nova/?region=CZ064", {
        "year": 2027, "kind": target.kind.pk, "band": "80+", "rate_percent": "6", "source": "", "is_assumption": "on"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_travel_time_matrix_upload_and_use(client):
    login(client, "kraj-referent")
    codes = list(Municipality.objects.filter(orp__code="6201").order_by("code").values_list("code", flat=True))
    lines = ["origin,destination,minutes"] + [f"{a},{b},{(i + j) % 25 + 1}" for i, a in enumerate(codes)
                                              for j, b in enumerate(codes) if a != b]
    upload = SimpleUploadedFile("casy.csv", "\n".join(lines).encode(), content_type="text/csv")
    response = client.post("/dostupnost/matice/nova/", {"name": "Blansko", "file": upload, "source": "test"})
    assert response.status_code == 302
    matrix = TravelTimeMatrix.objects.get(name="Blansko")
    assert (matrix.n_pairs, matrix.n_obce, matrix.max_minutes) == (len(lines) - 1, len(codes), 25)
    page = client.get(f"/dostupnost/dostupnost/?kind=49&radius_km=20&matrix={matrix.pk}")
    assert page.status_code == 200 and "min" in page.content.decode()
    bad = SimpleUploadedFile("bad.csv", b"origin,destination,minutes\n581283,999999,5\n")
    response = client.post("/dostupnost/matice/nova/", {"name": "zlá", "file": bad})
    assert response.status_code == 200 and "Matici nelze načíst" in response.content.decode()


@pytest.mark.django_db
def test_placement_pages(client, django_capture_on_commit_callbacks):
    login(client, "kraj-referent")
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post("/dostupnost/kde-pridat/", {"region": "CZ064", "kind": "49", "k": 3,
                                                           "radius_km": 10, "year": 2026})
    job = Job.objects.get(kind="availability_placement")
    assert response.status_code == 302 and response.url == f"/dostupnost/kde-pridat/{job.pk}/"
    page = client.get(response.url).content.decode()
    assert 'http-equiv="refresh"' in page  # still queued: the page refreshes itself
    from socplan.core.jobs import _execute

    _execute(job)
    page = client.get(response.url).content.decode()
    assert 'data-testid="placement"' in page and 'class="choropleth"' in page
    client.logout()
    assert login(client, "okres-blansko").get(response.url).status_code == 404  # someone else's job


@pytest.mark.django_db
def test_district_team_sees_its_orps_at_a_glance(client):
    html = login(client, "okres-blansko").get("/dostupnost/pokryti/?kind=49&level=orp").content.decode()
    box = html.split('data-testid="own-orps"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r'data-code="(\d+)"', box) == ["6201", "6202"]  # ORP Blansko and Boskovice
    assert 'data-rag="' in box


# --- write pages go through the scope layer (scoped_view + get_scoped_object) --------------------------------

def _zlk_officer():
    from socplan.accounts.models import Role, RoleAssignment
    from socplan.territory.models import Region

    officer = get_user_model().objects.create_user(username="referent-zlk", password="x-Heslo-pro-test-42")
    ra = RoleAssignment(user=officer, role=Role.REGION_OFFICER, region=Region.objects.get(code="CZ072"))
    ra.full_clean()
    ra.save()
    return officer


def _counts():
    from socplan.availability.models import PopulationProjection, UtilisationRate

    return [m.objects.count() for m in (CoverageTarget, UtilisationRate, PopulationProjection, Scenario,
                                        TravelTimeMatrix, CoverageTarget.history.model, Scenario.history.model)]


@pytest.mark.django_db
def test_write_pages_send_anonymous_users_to_login_and_write_nothing(client):
    from socplan.availability.models import PopulationProjection, UtilisationRate

    scenario = Scenario.objects.get(name=DEMO_SCENARIO)
    paths = [f"/dostupnost/scenare/{scenario.pk}/upravit/", f"/dostupnost/scenare/{scenario.pk}/smazat/",
             f"/dostupnost/parametry/cil/{CoverageTarget.objects.first().pk}/",
             f"/dostupnost/parametry/mira/{UtilisationRate.objects.first().pk}/",
             f"/dostupnost/parametry/projekce/{PopulationProjection.objects.first().pk}/",
             "/dostupnost/scenare/novy/", "/dostupnost/parametry/cil/novy/", "/dostupnost/matice/nova/"]
    before = _counts()
    for path in paths:
        for response in (client.get(path), client.post(path, {"name": "x", "per_1000": "1"})):
            assert response.status_code == 302 and "/ucet/login/" in response.url, path
    assert _counts() == before


@pytest.mark.django_db
def test_parameter_of_another_kraj_is_refused_before_the_form_is_read(client):
    target = CoverageTarget.objects.get(region__code="CZ064", year=2026, kind__code="49")
    client.force_login(_zlk_officer())
    path = f"/dostupnost/parametry/cil/{target.pk}/"
    assert client.get(path).status_code == 403  # public parameter: seen, not changeable
    before = _counts()
    response = client.post(path, {"year": 2026, "kind": target.kind.pk, "band": "80+",
                                  "capacity_type": target.capacity_type.pk, "per_1000": "99", "source": "",
                                  "note": "", "expected_version": target.version})
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.per_1000 != 99 and target.version == 1 and _counts() == before
    # the officer's own kraj is fine (the create page defaults to it)
    assert client.get("/dostupnost/parametry/cil/novy/").status_code == 200


@pytest.mark.django_db
def test_scenario_write_pages_follow_the_scope(client):
    demo = Scenario.objects.get(name=DEMO_SCENARIO)  # JMK, shared with the Blansko district team
    edit, delete = f"/dostupnost/scenare/{demo.pk}/upravit/", f"/dostupnost/scenare/{demo.pk}/smazat/"
    before = _counts()
    # a region officer of another kraj does not even see it
    client.force_login(_zlk_officer())
    assert client.get(edit).status_code == 404 and client.post(delete).status_code == 404
    # the Blansko district team edits it, but never deletes
    login(client, "okres-blansko")
    assert client.get(edit).status_code == 200
    assert client.post(delete).status_code == 403
    # an ORP coordinator has no role that writes scenarios
    login(client, "orp-blansko")
    assert client.get(edit).status_code == 403 and client.post(delete).status_code == 403
    assert client.get("/dostupnost/scenare/novy/").status_code == 403
    assert _counts() == before and Scenario.objects.get(pk=demo.pk).version == demo.version


@pytest.mark.django_db
def test_authorship_grants_reading_not_writing(client):
    """A scenario whose author holds no role that may change it: visible to the author, not writable."""
    coordinator = get_user_model().objects.get(username="orp-znojmo")
    demo = Scenario.objects.get(name=DEMO_SCENARIO)
    own = Scenario.objects.create(name="vlastní", owner=coordinator, region=demo.region, kind=demo.kind, year=2026)
    client.force_login(coordinator)
    page = client.get(f"/dostupnost/scenare/{own.pk}/")
    assert page.status_code == 200 and f"/dostupnost/scenare/{own.pk}/upravit/" not in page.content.decode()
    assert client.get(f"/dostupnost/scenare/{own.pk}/upravit/").status_code == 403
    assert client.post(f"/dostupnost/scenare/{own.pk}/smazat/").status_code == 403
    assert Scenario.objects.filter(pk=own.pk).exists()


def test_legend_labels_a_single_value_class_by_that_value():
    from socplan.availability import maps

    values = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 5.0, 10.0, 20.0]
    breaks = maps.quantile_breaks(values)
    rows = maps.legend(values, breaks, ["#a", "#b", "#c", "#d", "#e"])
    assert rows[0]["label"] == "0,0" and rows[0]["count"] == 7
    assert sum(r["count"] for r in rows) == len(values)
    # classes do not overlap: each is labelled by the values it holds, and each starts above the previous one
    assert [r["label"] for r in rows[1:]] == ["5,0", "10,0 – 20,0"]
    assert all(a["high"] < b["low"] for a, b in zip(rows, rows[1:], strict=False))
