"""Demo users: one per seat in Jihomoravský kraj, documented passwords that pass the validators, idempotent."""

from __future__ import annotations

from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.test import Client

from socplan.accounts.demo import DEMO_PASSWORD, demo_users_create
from socplan.accounts.models import Role, RoleAssignment
from socplan.accounts.scope import grants

pytestmark = pytest.mark.django_db

EXPECTED = {  # username → (role, unit code, can_approve), as documented in docs/accounts.md
    "kraj-spravce": (Role.REGION_ADMIN, "CZ064", True),
    "kraj-schvalovatel": (Role.REGION_OFFICER, "CZ064", True),
    "kraj-referent": (Role.REGION_OFFICER, "CZ064", False),
    "okres-blansko": (Role.DISTRICT_TEAM, "CZ0641", False),
    "orp-blansko": (Role.ORP_COORDINATOR, "6201", False),
    "orp-znojmo": (Role.ORP_COORDINATOR, "6220", False),
}


def _unit_code(ra):
    return {Role.REGION_ADMIN: ra.region, Role.REGION_OFFICER: ra.region, Role.DISTRICT_TEAM: ra.district,
            Role.ORP_COORDINATOR: ra.orp}[ra.role].code


def test_demo_users(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    first = demo_users_create()
    snapshot = sorted(RoleAssignment.objects.values_list("pk", "user__username", "role"))
    history = RoleAssignment.history.count()
    second = demo_users_create()
    assert first == second
    assert sorted(RoleAssignment.objects.values_list("pk", "user__username", "role")) == snapshot  # idempotent
    assert RoleAssignment.history.count() == history
    usernames = [u for u, _, _ in first]
    assert set(EXPECTED) <= set(usernames) and "admin" in usernames
    User = get_user_model()
    for username, (role, code, approve) in EXPECTED.items():
        user = User.objects.get(username=username)
        (ra,) = RoleAssignment.objects.filter(user=user)
        assert (ra.role, _unit_code(ra), ra.can_approve) == (role, code, approve)
        assert ra.region.code == "CZ064"
        validate_password(DEMO_PASSWORD, user)
    assert User.objects.get(username="kraj-spravce").is_staff
    assert not User.objects.get(username="kraj-referent").is_staff


def test_demo_provider_is_the_one_with_most_services_in_jmk():
    from socplan.registry.models import Service

    out = dict((u, d) for u, _, d in demo_users_create())
    counts = Counter(Service.objects.filter(region__code="CZ064").values_list("provider__ico", flat=True))
    assert counts, "the demo region has registry services"
    top = max(counts.values())
    expected_ico = min(ico for ico, n in counts.items() if n == top)
    ra = RoleAssignment.objects.get(user__username="poskytovatel")
    assert ra.role == Role.PROVIDER_USER and ra.provider.ico == expected_ico
    assert expected_ico in out["poskytovatel"]


@pytest.mark.parametrize("username", ["kraj-spravce", "orp-znojmo", "poskytovatel", "admin"])
def test_demo_users_log_in_through_the_login_page(username):
    demo_users_create()
    assert get_user_model().objects.filter(username=username).exists()
    client = Client()
    response = client.post("/ucet/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    page = client.get("/ucet/sprava/")
    assert page.status_code == 200 and "Můj účet" in page.content.decode()
    user = get_user_model().objects.get(username=username)
    assert len(grants(user)) == (0 if username == "admin" else 1)
