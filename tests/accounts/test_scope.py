"""The permission layer (`socplan.accounts.scope`): expected results are written out by hand per seat."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from socplan.accounts.models import Role, RoleAssignment
from socplan.accounts.scope import can, can_any, grants, require, restrict
from socplan.registry.models import Economics, Provider, Service, ServiceArea, Staffing
from socplan.territory.models import Municipality

pytestmark = pytest.mark.django_db


WORLD = ["Poskytovatel A (Blansko)", "Poskytovatel B (Znojmo)", "Poskytovatel C (Zlín)"]


def names(qs):
    """Names of the test world's services in `qs` (the demo region's registry is loaded too)."""
    return sorted(qs.filter(provider__name__in=WORLD).values_list("name", flat=True))


def services_of(qs):
    return sorted(qs.filter(service__provider__name__in=WORLD).values_list("service__name", flat=True))


# --- reading ------------------------------------------------------------------------------------------------

ALL_SERVICES = ["Domov A Blansko", "Domov A Boskovice", "Domov B Znojmo", "Domov C Zlín"]
JMK_SERVICES = ["Domov A Blansko", "Domov A Boskovice", "Domov B Znojmo"]


@pytest.mark.parametrize("seat, expected", [
    # Service is public registry data (private=False, no public_q): everyone reads every row.
    ("anonymous", ALL_SERVICES), ("nobody", ALL_SERVICES), ("provider_a", ALL_SERVICES),
    ("orp_blansko", ALL_SERVICES), ("superuser", ALL_SERVICES),
])
def test_public_model_is_readable_by_everyone(users, seat, expected):
    assert names(restrict(Service.objects.all(), getattr(users, seat), "view")) == expected


@pytest.mark.parametrize("seat, expected", [
    ("anonymous", []),
    ("nobody", []),
    ("superuser", ALL_SERVICES),
    ("region_admin", JMK_SERVICES),
    ("officer", JMK_SERVICES),
    ("officer_zlk", ["Domov C Zlín"]),
    # Staffing/economics declare no district/ORP lookup: district teams and ORP coordinators do not read them.
    ("district_blansko", []),
    ("orp_blansko", []),
    ("provider_a", ["Domov A Blansko", "Domov A Boskovice"]),
    ("provider_b", ["Domov B Znojmo"]),
])
@pytest.mark.parametrize("model", [Staffing, Economics])
def test_private_data(users, world, seat, expected, model):
    user = getattr(users, seat)
    assert services_of(restrict(model.objects.all(), user, "view")) == expected
    for obj in model.objects.filter(service__provider__name__in=WORLD):
        assert can(user, "view", obj) == (obj.service.name in expected), (seat, obj)


@pytest.mark.parametrize("seat, expected", [
    ("anonymous", []),
    ("region_admin", JMK_SERVICES),
    ("district_blansko", ["Domov A Blansko", "Domov A Boskovice"]),  # via areas__orp__district
    ("orp_blansko", ["Domov A Blansko"]),                            # via areas__orp
    ("orp_znojmo", ["Domov B Znojmo"]),
    ("provider_a", ["Domov A Blansko", "Domov A Boskovice"]),
    ("officer_zlk", ["Domov C Zlín"]),
])
def test_view_private_follows_the_territorial_level(users, seat, expected):
    user = getattr(users, seat)
    assert names(restrict(Service.objects.all(), user, "view_private")) == expected
    for s in Service.objects.filter(provider__name__in=WORLD):
        assert can(user, "view_private", s) == (s.name in expected), (seat, s)


# --- changing and approving ---------------------------------------------------------------------------------

@pytest.mark.parametrize("seat, expected", [
    ("anonymous", []), ("nobody", []),
    ("superuser", ALL_SERVICES),
    ("region_admin", JMK_SERVICES), ("officer", JMK_SERVICES), ("officer_approve", JMK_SERVICES),
    ("officer_zlk", ["Domov C Zlín"]),
    ("district_blansko", []), ("orp_blansko", []), ("orp_znojmo", []),  # not editors of registry data
    ("provider_a", ["Domov A Blansko", "Domov A Boskovice"]),
    ("provider_b", ["Domov B Znojmo"]),
])
def test_change(users, seat, expected):
    user = getattr(users, seat)
    assert names(restrict(Service.objects.all(), user, "change")) == expected
    for s in Service.objects.filter(provider__name__in=WORLD):
        assert can(user, "change", s) == (s.name in expected)
        assert user is None or user.has_perm("registry.change_service", s) == (s.name in expected)


@pytest.mark.parametrize("seat, expected", [
    ("anonymous", []), ("officer", []), ("district_blansko", []), ("orp_blansko", []), ("provider_a", []),
    ("region_admin", JMK_SERVICES), ("officer_approve", JMK_SERVICES), ("officer_zlk", ["Domov C Zlín"]),
    ("superuser", ALL_SERVICES),
])
def test_approve_needs_the_flag(users, seat, expected):
    user = getattr(users, seat)
    assert names(restrict(Service.objects.all(), user, "approve")) == expected
    for s in Service.objects.filter(provider__name__in=WORLD):
        assert can(user, "approve", s) == (s.name in expected)


def test_create_checks_the_new_row(users, world):
    """Creating = `change` on the unsaved instance: a provider adds staffing only to its own services."""
    a = users.provider_a
    assert can(a, "change", Staffing(service=world.service_a, year=2026))
    assert not can(a, "change", Staffing(service=world.service_b, year=2026))
    assert a.has_perm("registry.add_staffing")  # could add *some* row (button shown)
    assert not users.orp_blansko.has_perm("registry.add_staffing")
    # Moving a service to another provider is judged on the new state.
    moved = Service.objects.get(pk=world.service_a.pk)
    moved.provider = world.provider_b
    assert not can(a, "change", moved)
    with pytest.raises(PermissionDenied):
        require(a, "change", moved)


def test_provider_scope_on_provider_itself(users, world):
    # Provider.SCOPE: provider lookup "pk", region through its services.
    assert list(restrict(Provider.objects.all(), users.provider_a, "change")) == [world.provider_a]
    mine = Provider.objects.filter(name__in=WORLD)
    assert set(restrict(mine, users.officer, "change")) == {world.provider_a, world.provider_b}
    assert can(users.officer_zlk, "change", world.provider_c)
    assert not can(users.officer_zlk, "change", world.provider_a)


def test_to_many_lookups_do_not_duplicate_rows(users, world, territory):
    ServiceArea.objects.create(service=world.service_a, orp=territory.orp_boskovice)
    qs = restrict(Service.objects.filter(provider__name__in=WORLD), users.district_blansko, "view_private")
    assert qs.count() == 2 and len(list(qs)) == 2


def test_inactive_roles_and_users_grant_nothing(users, world):
    ra = RoleAssignment.objects.get(user=users.provider_a)
    ra.is_active = False
    ra.save()
    assert not can(users.provider_a, "change", world.service_a)  # the grant cache follows the change
    ra.is_active = True
    ra.save()
    assert can(users.provider_a, "change", world.service_a)
    users.provider_a.is_active = False
    assert grants(users.provider_a) == ()


def test_several_roles_add_up(users, world, territory):
    user = users.orp_blansko
    RoleAssignment.objects.create(user=user, role=Role.PROVIDER_USER, provider=world.provider_b, region=territory.jmk)
    assert names(restrict(Service.objects.all(), user, "change")) == ["Domov B Znojmo"]
    assert names(restrict(Service.objects.all(), user, "view_private")) == ["Domov A Blansko", "Domov B Znojmo"]


def test_can_any(users):
    assert can_any(None, "view", Service)
    assert not can_any(None, "view", Economics)
    assert can_any(users.provider_a, "change", Economics)
    assert not can_any(users.orp_blansko, "change", Economics)
    assert not can_any(users.officer, "approve", Service)
    assert can_any(users.officer_approve, "approve", Service)


def test_unknown_action_is_an_error(users, world):
    with pytest.raises(ValueError):
        can(users.officer, "destroy", world.service_a)


# --- lookups through other levels, public_q (on real territory rows) --------------------------------------

@pytest.mark.parametrize("scope, seat, expected_count", [
    # Municipalities made "private" with every lookup: kraj 673, okres Blansko 116, ORP Blansko 43 obcí.
    ({"region": "region", "district": "district", "orp": "orp", "private": True}, "region_admin", 673),
    ({"region": "region", "district": "district", "orp": "orp", "private": True}, "district_blansko", 116),
    ({"region": "region", "district": "district", "orp": "orp", "private": True}, "orp_blansko", 43),
    ({"region": "region", "district": "district", "orp": "orp", "private": True}, "provider_a", 0),
    # Only an ORP lookup: the kraj and the okres are reached through the ORP.
    ({"orp": "orp", "private": True}, "region_admin", 673),
    ({"orp": "orp", "private": True}, "district_blansko", 116),
    ({"orp": "orp", "private": True}, "officer_zlk", 307),
    # Only a district lookup: ORP coordinators have no way in.
    ({"district": "district", "private": True}, "region_admin", 673),
    ({"district": "district", "private": True}, "orp_blansko", 0),
])
def test_lookup_fallbacks(users, monkeypatch, scope, seat, expected_count):
    monkeypatch.setattr(Municipality, "SCOPE", scope, raising=False)
    user = getattr(users, seat)
    qs = restrict(Municipality.objects.all(), user, "view")
    assert qs.count() == expected_count
    # `can` on instances agrees with the queryset on a sample from three kraje.
    inside = set(qs.values_list("pk", flat=True))
    sample = Municipality.objects.filter(region__code__in=["CZ064", "CZ072", "CZ010"]).order_by("?")[:60]
    for m in sample:
        assert can(user, "view", m) == (m.pk in inside), m


def test_public_q_for_anonymous(users, monkeypatch):
    monkeypatch.setattr(Municipality, "SCOPE", {"region": "region", "private": False}, raising=False)
    monkeypatch.setattr(Municipality, "public_q", classmethod(lambda cls: Q(orp__code="6201")), raising=False)
    assert restrict(Municipality.objects.all(), None, "view").count() == 43
    # Authenticated kraj staff: public rows plus their own kraj (Zlínský kraj: 307 obcí + 43 in ORP Blansko).
    assert restrict(Municipality.objects.all(), users.officer_zlk, "view").count() == 307 + 43
    blansko = Municipality.objects.filter(orp__code="6201").first()
    other = Municipality.objects.filter(orp__code="6220").first()
    assert can(None, "view", blansko) and not can(None, "view", other)
    assert not can(None, "view_private", blansko)


# --- role assignments ---------------------------------------------------------------------------------------

def test_role_must_match_its_territory(territory, world, make_user):
    user = make_user("x")
    with pytest.raises(ValidationError) as e:
        RoleAssignment(user=user, role=Role.ORP_COORDINATOR, district=territory.blansko_district).full_clean()
    assert "orp" in e.value.message_dict
    with pytest.raises(ValidationError):
        RoleAssignment(user=user, role=Role.REGION_OFFICER, region=territory.jmk, orp=territory.orp_blansko).full_clean()
    with pytest.raises(ValidationError) as e:
        RoleAssignment(user=user, role=Role.DISTRICT_TEAM, district=territory.blansko_district,
                       can_approve=True).full_clean()
    assert "can_approve" in e.value.message_dict
    with pytest.raises(ValidationError):
        RoleAssignment(user=user, role=Role.ORP_COORDINATOR, orp=territory.orp_znojmo,
                       district=territory.blansko_district).full_clean()
    with pytest.raises(ValidationError):
        RoleAssignment(user=user, role=Role.PROVIDER_USER).full_clean()
    ok = RoleAssignment(user=user, role=Role.ORP_COORDINATOR, orp=territory.orp_znojmo)
    ok.full_clean()
    assert ok.district == territory.znojmo_district and ok.region == territory.jmk
    ok.save()
    with pytest.raises(ValidationError):  # the same role twice
        RoleAssignment(user=user, role=Role.ORP_COORDINATOR, orp=territory.orp_znojmo).full_clean()
    prov = RoleAssignment(user=user, role=Role.PROVIDER_USER, provider=world.provider_c)
    prov.full_clean()
    assert prov.region == territory.zlk  # the kraj of the provider's services


def test_role_assignments_are_scoped_too(users, territory):
    visible = restrict(RoleAssignment.objects.all(), users.region_admin, "view")
    assert users.officer_zlk.pk not in set(visible.values_list("user_id", flat=True))
    assert users.orp_znojmo.pk in set(visible.values_list("user_id", flat=True))
    # Only the kraj administrator manages them; officers read, others see none.
    ra = RoleAssignment.objects.get(user=users.orp_znojmo)
    assert can(users.region_admin, "change", ra)
    assert not can(users.officer_approve, "change", ra) and can(users.officer, "view", ra)
    assert not can(users.officer_zlk, "view", ra)
    assert not restrict(RoleAssignment.objects.all(), users.orp_blansko, "view").exists()
    assert not restrict(RoleAssignment.objects.all(), users.provider_a, "view").exists()
