"""Demo users: one per role in the demo region (Jihomoravský kraj, CZ064), so socplan can be tried from
each seat. Used by `socplan demo` and `socplan demo_users`; idempotent (a re-run resets the demo users'
passwords and roles to the documented state and changes nothing else).

The passwords are fixed and published in docs/accounts.md: the demo is meant to run locally. Never run
`demo_users_create()` against a production database (`socplan demo_users` refuses to when DEBUG is off
unless --force is given).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Count

from .models import Role, RoleAssignment

DEMO_PASSWORD = "socplan-demo-2026"
DEMO_REGION = "CZ064"
ADMIN_GROUP = "Správci kraje"
ADMIN_GROUP_PERMS = [
    ("accounts", "view_roleassignment"), ("accounts", "add_roleassignment"),
    ("accounts", "change_roleassignment"), ("accounts", "delete_roleassignment"),
    ("auth", "view_user"), ("auth", "add_user"), ("auth", "change_user"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    unit: str | None  # region/district/orp code
    can_approve: bool = False
    description: str = ""


DEMO_USERS = [
    DemoUser("kraj-spravce", "Alena", "Správcová", Role.REGION_ADMIN, DEMO_REGION, True,
             "správce kraje JMK (spravuje uživatele a role, smí schvalovat)"),
    DemoUser("kraj-schvalovatel", "Boris", "Schválný", Role.REGION_OFFICER, DEMO_REGION, True,
             "pracovník krajského úřadu JMK s právem schvalovat"),
    DemoUser("kraj-referent", "Cyril", "Referent", Role.REGION_OFFICER, DEMO_REGION, False,
             "pracovník krajského úřadu JMK bez práva schvalovat"),
    DemoUser("okres-blansko", "Dana", "Okresní", Role.DISTRICT_TEAM, "CZ0641", False,
             "člen okresního týmu Blansko (CZ0641)"),
    DemoUser("orp-blansko", "Eva", "Plánovačka", Role.ORP_COORDINATOR, "6201", False,
             "koordinátorka komunitního plánování ORP Blansko (6201)"),
    DemoUser("orp-znojmo", "Filip", "Koordinátor", Role.ORP_COORDINATOR, "6220", False,
             "koordinátor komunitního plánování ORP Znojmo (6220)"),
]
PROVIDER_USERNAME = "poskytovatel"
SUPERUSER = "admin"


def _related(name: str):
    """The model a role assignment's foreign key points to: territory and registry sit above accounts, which
    reaches their rows through its own relations instead of importing them."""
    return RoleAssignment._meta.get_field(name).related_model


def demo_provider():
    """The provider with the most services in the demo region (ties: lowest IČO); None without registry data."""
    Provider = _related("provider")
    return (Provider.objects.filter(services__region__code=DEMO_REGION)
            .annotate(n=Count("services")).order_by("-n", "ico").first())


def _admin_group() -> Group:
    group, _ = Group.objects.get_or_create(name=ADMIN_GROUP)
    perms = [Permission.objects.get(content_type__app_label=app, codename=code) for app, code in ADMIN_GROUP_PERMS]
    group.permissions.set(perms)
    return group


def _user(username, first_name="", last_name="", **flags):
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username)
    user.first_name, user.last_name = first_name, last_name
    # a made-up address (.invalid never delivers): the demo's notification e-mails go to the console
    user.email = user.email or f"{username}@socplan-demo.invalid"
    for key, value in flags.items():
        setattr(user, key, value)
    user.is_active = True
    validate_password(DEMO_PASSWORD, user)
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _assign(user, *, role, region=None, district=None, orp=None, provider=None, can_approve=False):
    wanted = {"role": role, "region": region, "district": district, "orp": orp, "provider": provider,
              "can_approve": can_approve, "is_active": True}
    current = list(RoleAssignment.objects.filter(user=user))
    keep = None
    for ra in current:
        # Derived levels (the kraj of an okres, the okres of an ORP) are filled in by the model.
        same = all(getattr(ra, k) == v for k, v in wanted.items() if v is not None)
        if same and keep is None:
            keep = ra
        else:
            ra.delete()
    if keep is None:
        ra = RoleAssignment(user=user, note="demo", **wanted)
        ra.full_clean()
        ra.save()


@transaction.atomic
def demo_users_create() -> list[tuple[str, str, str]]:
    """Create (or reset) the demo users; returns [(username, password, role description)]."""
    Region, District, Orp = _related("region"), _related("district"), _related("orp")
    out = []
    _user(SUPERUSER, "Správce", "systému", is_staff=True, is_superuser=True)
    out.append((SUPERUSER, DEMO_PASSWORD, "superuživatel (vše, administrace)"))
    region = Region.objects.filter(code=DEMO_REGION).first()
    if region is None:
        return out
    group = _admin_group()
    for d in DEMO_USERS:
        user = _user(d.username, d.first_name, d.last_name, is_staff=d.role == Role.REGION_ADMIN, is_superuser=False)
        if d.role == Role.REGION_ADMIN:
            user.groups.add(group)
        if d.role in (Role.REGION_ADMIN, Role.REGION_OFFICER):
            _assign(user, role=d.role, region=region, can_approve=d.can_approve)
        elif d.role == Role.DISTRICT_TEAM:
            _assign(user, role=d.role, district=District.objects.get(code=d.unit))
        else:
            _assign(user, role=d.role, orp=Orp.objects.get(code=d.unit))
        out.append((d.username, DEMO_PASSWORD, d.description))
    provider = demo_provider()
    if provider is not None:
        user = _user(PROVIDER_USERNAME, "Pavla", "Poskytovatelová", is_staff=False, is_superuser=False)
        _assign(user, role=Role.PROVIDER_USER, region=region, provider=provider)
        out.append((PROVIDER_USERNAME, DEMO_PASSWORD, f"uživatel poskytovatele {provider}"))
    return out
