"""Accounts API: lists return only what the caller may see; kraj administrators manage roles of their kraj."""

from __future__ import annotations

import pytest
from django.test import Client

from socplan.accounts.models import Role, RoleAssignment

pytestmark = pytest.mark.django_db

URL = "/api/v1/accounts/role-assignments/"


def client_for(user):
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _all_results(client, url=URL):
    out = []
    while url:
        data = client.get(url).json()
        out.extend(data["results"])
        url = data["next"]
    return out


def test_list_is_restricted(users):
    admin_rows = _all_results(client_for(users.region_admin))
    assert {r["region"] for r in admin_rows} == {"CZ064"}
    assert "r_officer_zlk" not in {r["user"] for r in admin_rows}
    zlk_rows = _all_results(client_for(users.officer_zlk))
    assert {r["user"] for r in zlk_rows} == {"r_officer_zlk"}
    for seat in ("orp_blansko", "provider_a", "district_blansko", "nobody"):
        assert _all_results(client_for(getattr(users, seat))) == []
    assert client_for(None).get(URL).json()["results"] == []


def test_region_admin_creates_roles_in_their_kraj_only(users, make_user):
    newbie = make_user("newbie")
    client = client_for(users.region_admin)
    ok = client.post(URL, {"user": "newbie", "role": Role.ORP_COORDINATOR, "orp": "6220"},
                     content_type="application/json")
    assert ok.status_code == 201, ok.content
    assert ok.json()["region"] == "CZ064" and ok.json()["district"] == "CZ0647"  # derived
    refused = client.post(URL, {"user": "newbie", "role": Role.ORP_COORDINATOR, "orp": "7213"},  # Zlín
                          content_type="application/json")
    assert refused.status_code == 403
    assert list(RoleAssignment.objects.filter(user=newbie).values_list("orp__code", flat=True)) == ["6220"]
    invalid = client.post(URL, {"user": "newbie", "role": Role.DISTRICT_TEAM, "orp": "6201"},
                          content_type="application/json")
    assert invalid.status_code == 400 and "district" in invalid.json()


def test_officers_cannot_grant_roles(users):
    response = client_for(users.officer_approve).post(
        URL, {"user": "r_officer", "role": Role.REGION_OFFICER, "region": "CZ064", "can_approve": True},
        content_type="application/json")
    assert response.status_code == 403
    assert not RoleAssignment.objects.get(user=users.officer).can_approve


def test_region_admin_cannot_move_a_role_out_of_the_kraj(users):
    ra = RoleAssignment.objects.get(user=users.orp_znojmo)
    move = {"orp": "7213", "district": None, "region": None}  # a consistent role in Zlínský kraj
    response = client_for(users.region_admin).patch(f"{URL}{ra.pk}/", move, content_type="application/json")
    assert response.status_code == 403
    ra.refresh_from_db()
    assert ra.orp.code == "6220"
    response = client_for(users.officer_zlk).patch(f"{URL}{ra.pk}/", {"note": "x"}, content_type="application/json")
    assert response.status_code in (403, 404)  # officers may not edit roles at all


def test_me(users):
    data = client_for(users.orp_blansko).get("/api/v1/accounts/me/").json()
    assert data["username"] == "o_blansko"
    assert [(r["role"], r["orp"], r["district"], r["region"]) for r in data["roles"]] == [
        (Role.ORP_COORDINATOR, "6201", "CZ0641", "CZ064")]
    assert client_for(None).get("/api/v1/accounts/me/").status_code in (401, 403)


def test_account_page_shows_roles_and_scope(users):
    html = client_for(users.region_admin).get("/ucet/sprava/").content.decode()
    assert "správce kraje" in html and "Jihomoravský kraj" in html
    assert "o_znojmo" in html  # the roles of the kraj
    assert "r_officer_zlk" not in html
    html = client_for(users.provider_a).get("/ucet/sprava/").content.decode()
    assert "Poskytovatel A (Blansko)" in html and "o_znojmo" not in html
