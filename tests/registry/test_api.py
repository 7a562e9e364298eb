"""Registry API (`/api/v1/services/`, `/api/v1/providers/`) on the demo region: filters, nesting, and private
staffing/economics only for callers allowed to read them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q

from socplan.accounts.models import RoleAssignment
from socplan.registry.models import Capacity, Facility, Provider, Service, ServiceArea, Staffing

pytestmark = pytest.mark.django_db


def _all(client, url, params=None):
    """Every result of a paginated list."""
    out = []
    data = client.get(url, params or {}).json()
    while True:
        out += data["results"]
        if not data["next"]:
            return out
        data = client.get(data["next"]).json()


@pytest.fixture
def provider_user(db):
    return get_user_model().objects.get(username="poskytovatel")


@pytest.fixture
def provider_id(provider_user):
    return RoleAssignment.objects.get(user=provider_user).provider_id


def test_services_list_and_filter(client):
    data = client.get("/api/v1/services/").json()
    assert data["count"] == Service.objects.count()
    kind49 = _all(client, "/api/v1/services/", {"kind": "49", "orp": "6201"})
    in_orp = set(ServiceArea.objects.filter(Q(orp__code="6201") | Q(municipality__orp__code="6201"))
                 .values_list("service_id", flat=True))
    in_orp |= set(Facility.objects.filter(municipality__orp__code="6201").values_list("service_id", flat=True))
    expected = set(Service.objects.filter(kind__code="49", pk__in=in_orp).values_list("pk", flat=True))
    assert {r["id"] for r in kind49} == expected
    assert all(r["kind"] == "49" for r in kind49)
    synthetic = client.get("/api/v1/services/", {"data": "synthetic"}).json()
    assert synthetic["count"] == Service.objects.filter(source="synthetic").count()
    assert all(r["is_synthetic"] and r["source"] == "synthetic" for r in synthetic["results"])


def test_invalid_filter_is_400(client):
    assert client.get("/api/v1/services/", {"kind": "999"}).status_code == 400


def test_service_nested_data(client):
    s = (Service.objects.filter(forms__capacities__isnull=False, facilities__isnull=False, areas__isnull=False)
         .order_by("pk").first())
    data = client.get(f"/api/v1/services/{s.pk}/").json()
    assert data["name"] == s.name and data["provider"]["ico"] == s.provider.ico
    caps = {(f["form"], c["type"]): c["count"] for f in data["forms"] for c in f["capacities"]}
    assert caps == {(c.service_form.form.code, c.capacity_type.code): c.count
                    for c in Capacity.objects.filter(service_form__service=s).select_related("service_form__form",
                                                                                           "capacity_type")}
    assert {f["id"] for f in data["facilities"]} == set(Facility.objects.filter(service=s).values_list("pk", flat=True))
    areas = {a["orp"]: Decimal(a["share"]) if a["share"] is not None else None for a in data["areas"]}
    assert areas == {a.orp.code: a.share for a in ServiceArea.objects.filter(service=s).select_related("orp")}
    assert data["source_label"] and "verified_at" in data


def test_private_data_only_for_allowed_callers(client, provider_user, provider_id):
    anonymous = _all(client, "/api/v1/services/", {"kind": "49"})
    assert all(r["staffing"] is None and r["economics"] is None and not r["private_data_visible"] for r in anonymous)

    client.force_login(get_user_model().objects.get(username="orp-blansko"))
    orp = _all(client, "/api/v1/services/", {"orp": "6201"})
    assert orp and all(r["staffing"] is None for r in orp)

    client.force_login(provider_user)
    rows = _all(client, "/api/v1/services/", {"kind": "49"}) + _all(client, "/api/v1/services/",
                                                                       {"provider": Provider.objects.get(pk=provider_id).ico})
    own = [r for r in rows if r["provider"]["id"] == provider_id]
    assert own and len(own) < len(rows)
    for r in rows:
        assert r["private_data_visible"] is (r["provider"]["id"] == provider_id)
        assert (r["staffing"] is not None) is (r["provider"]["id"] == provider_id)
    r = next(x for x in own if x["staffing"])  # the provider's demo-kraj services have year data, the others not
    st = Staffing.objects.get(service_id=r["id"], year=2026)
    assert [(x["year"], Decimal(x["fte_direct"])) for x in r["staffing"]] == [(2026, st.fte_direct)]
    assert Decimal(r["economics"][0]["cost_personnel"]) == st.service.economics.get(year=2026).cost_personnel

    client.force_login(get_user_model().objects.get(username="kraj-referent"))
    officer = client.get("/api/v1/services/", {"kind": "49", "region": "CZ064"}).json()["results"]  # own kraj
    assert all(r["staffing"] is not None for r in officer)


def test_read_only(client):
    client.force_login(get_user_model().objects.get(username="kraj-referent"))
    s = Service.objects.order_by("pk").first()
    assert client.post("/api/v1/services/", {"name": "x"}).status_code == 405
    assert client.patch(f"/api/v1/services/{s.pk}/", {"name": "x"}, content_type="application/json").status_code == 405
    client.logout()
    assert client.post("/api/v1/services/", {"name": "x"}).status_code in (401, 403)


def test_providers(client, provider_id):
    provider = Provider.objects.get(pk=provider_id)
    data = client.get("/api/v1/providers/", {"q": provider.ico}).json()
    assert [p["ico"] for p in data["results"]] == [provider.ico]
    detail = client.get(f"/api/v1/providers/{provider.ico}/").json()
    assert detail["services_count"] == Service.objects.filter(provider=provider).count()
    listed = client.get(detail["services_url"]).json()
    assert listed["count"] == detail["services_count"]
    assert client.get("/api/v1/providers/", {"data": "synthetic"}).json()["count"] == \
        Provider.objects.filter(source="synthetic").count()


def test_schema_lists_registry_endpoints(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/v1/services/" in schema["paths"] and "/api/v1/providers/{ico}/" in schema["paths"]
