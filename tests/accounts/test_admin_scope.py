"""The Django admin under the one permission layer: the administrator of another kraj sees only their kraj and
writes nothing; domain records are read-only for everyone (their writes go through the services); national code
lists and territory are for superusers only. Every refusal is checked in the database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client

from socplan.accounts.admin import RoleAssignmentAdmin, UserAdmin
from socplan.accounts.admin_scope import DomainReadOnlyAdmin, SuperuserOnlyAdmin, SuperuserOnlyHistoryAdmin
from socplan.accounts.models import Role
from socplan.registry.models import Economics, Service, Staffing

pytestmark = pytest.mark.django_db


@pytest.fixture
def zlk_admin(make_user, territory):
    """The administrator of Zlínský kraj, given every Django permission of the registry and network models (as a
    generous group would) – the scope alone must keep them out of Jihomoravský kraj."""
    user = make_user("zlk_admin", Role.REGION_ADMIN, region=territory.zlk, can_approve=True)
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["registry", "network"]))
    return user


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _snapshot():
    return (sorted(Staffing.objects.values_list("pk", "fte_direct", "version")),
            sorted(Economics.objects.values_list("pk", "cost_personnel", "version")),
            sorted(Service.objects.values_list("pk", "name", "version")))


def test_other_kraj_admin_lists_only_their_kraj(zlk_admin, world):
    c = _client(zlk_admin)
    for name, own, foreign in [("service", world.service_c.name, world.service_b.name),
                               ("provider", world.provider_c.name, world.provider_b.name)]:
        page = c.get(f"/admin/registry/{name}/")
        assert page.status_code == 200
        text = page.content.decode()
        assert own in text and foreign not in text and world.service_a.name not in text
    text = c.get("/admin/registry/economics/").content.decode()
    assert "918" not in text.replace("\xa0", "").replace(" ", "")  # provider B's distinctive amount
    for model, pk in [("service", world.service_b.pk), ("staffing", world.staffing[world.service_b.pk].pk),
                      ("economics", world.economics[world.service_a.pk].pk)]:
        resp = c.get(f"/admin/registry/{model}/{pk}/change/")
        assert resp.status_code in (302, 403, 404)
        if resp.status_code == 302:  # Django's "does not exist" redirect to the admin index
            assert resp.url.startswith("/admin/")
        assert c.get(f"/admin/registry/{model}/{pk}/history/").status_code in (302, 403, 404)


def test_other_kraj_admin_writes_nothing(zlk_admin, world):
    c = _client(zlk_admin)
    before = _snapshot()
    sb, staffing_b = world.service_b, world.staffing[world.service_b.pk]
    attempts = [
        (f"/admin/registry/service/{sb.pk}/change/", {"name": "Převzato", "kind": world.kind.pk,
                                                      "provider": sb.provider_id, "region": sb.region_id}),
        (f"/admin/registry/staffing/{staffing_b.pk}/change/", {"service": sb.pk, "year": 2025, "fte_direct": "1"}),
        (f"/admin/registry/staffing/{staffing_b.pk}/delete/", {"post": "yes"}),
        ("/admin/registry/staffing/", {"action": "delete_selected", "_selected_action": [staffing_b.pk],
                                       "post": "yes"}),
        ("/admin/registry/staffing/add/", {"service": sb.pk, "year": 2026, "fte_direct": "1"}),
        # their own kraj's rows are read-only in the admin too (pages and services edit them)
        (f"/admin/registry/staffing/{world.staffing[world.service_c.pk].pk}/change/",
         {"service": world.service_c.pk, "year": 2025, "fte_direct": "99"}),
        (f"/admin/registry/staffing/{world.staffing[world.service_c.pk].pk}/delete/", {"post": "yes"}),
    ]
    for url, data in attempts:
        resp = c.post(url, data)
        # refused (403), or not found in their scope (302 to the admin index); the change list offers no action,
        # so a posted bulk delete just shows the list again (200) – in every case nothing is written
        assert resp.status_code in ((200, 302, 403) if url.endswith("/staffing/") else (302, 403, 404)), \
            (url, resp.status_code)
        assert _snapshot() == before, url
    assert Staffing.objects.filter(pk=staffing_b.pk, fte_direct=Decimal("47.25")).exists()


def test_superuser_cannot_write_domain_records_in_the_admin(users, world):
    c = _client(users.superuser)
    st = world.staffing[world.service_b.pk]
    assert c.get(f"/admin/registry/staffing/{st.pk}/change/").status_code == 200
    assert c.get(f"/admin/registry/service/{world.service_b.pk}/history/").status_code == 200
    before = _snapshot()
    hist = st.history.first()
    for url, data in [
        (f"/admin/registry/staffing/{st.pk}/change/", {"service": world.service_b.pk, "year": 2025, "fte_direct": "1"}),
        (f"/admin/registry/staffing/{st.pk}/delete/", {"post": "yes"}),
        (f"/admin/registry/staffing/{st.pk}/history/{hist.history_id}/",
         {"service": world.service_b.pk, "year": 2025, "fte_direct": "2"}),
    ]:
        assert c.post(url, data).status_code == 403, url
    assert _snapshot() == before


def test_code_lists_and_territory_are_for_superusers(zlk_admin, users):
    c = _client(zlk_admin)
    for url in ["/admin/registry/servicekind/", "/admin/territory/region/", "/admin/registry/registryimport/"]:
        assert c.get(url).status_code == 403, url
        assert _client(users.superuser).get(url).status_code == 200, url


def test_non_staff_have_no_admin(users):
    for seat in ["officer", "provider_a", "nobody"]:
        resp = _client(getattr(users, seat)).get("/admin/registry/service/")
        assert resp.status_code == 302 and "/login/" in resp.url


def test_every_admin_is_under_the_permission_layer():
    allowed = (DomainReadOnlyAdmin, SuperuserOnlyAdmin, SuperuserOnlyHistoryAdmin, UserAdmin, RoleAssignmentAdmin)
    socplan_admins = {m: a for m, a in admin.site._registry.items() if m.__module__.startswith("socplan.")}
    assert socplan_admins
    outside = [f"{m.__module__}.{m.__name__}: {type(a).__name__}" for m, a in socplan_admins.items()
               if not isinstance(a, allowed)]
    assert outside == []
