"""Fixtures for the planning tests: the JMK territory (loaded once per session by tests/conftest.py), users with
roles, and small plans built through the services."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from socplan.accounts.models import Role, RoleAssignment
from socplan.planning import services as svc

PASSWORD = "Heslo-pro-testy-42"


@pytest.fixture(autouse=True)
def _fast_hashing_and_media(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def t(db):
    from socplan.territory.models import Orp, Region

    return SimpleNamespace(jmk=Region.objects.get(code="CZ064"), zlk=Region.objects.get(code="CZ072"),
                           blansko=Orp.objects.get(code="6201"), znojmo=Orp.objects.get(code="6220"))


@pytest.fixture
def users(t, django_user_model):
    def make(name, role=None, **scope):
        user = django_user_model.objects.create_user(name, password=PASSWORD, first_name=name.capitalize())
        if role:
            ra = RoleAssignment(user=user, role=role, **scope)
            ra.full_clean()
            ra.save()
        return user

    return SimpleNamespace(
        nobody=make("nobody"),
        approver=make("approver", Role.REGION_OFFICER, region=t.jmk, can_approve=True),
        officer=make("officer", Role.REGION_OFFICER, region=t.jmk),
        officer_zlk=make("officer_zlk", Role.REGION_OFFICER, region=t.zlk, can_approve=True),
        orp_blansko=make("orp_blansko", Role.ORP_COORDINATOR, orp=t.blansko),
        orp_znojmo=make("orp_znojmo", Role.ORP_COORDINATOR, orp=t.znojmo),
    )


def build_plan(region, *, orp=None, years=(2024, 2026), title="Testovací plán", measures=2, approve=False):
    """A plan with one system priority (A) and one target-group priority (S1), `measures` measures each."""
    kind = "community" if orp is not None else "regional"
    plan = svc.plan_create(actor=None, kind=kind, title=title, region=region, orp=orp, year_from=years[0],
                           year_to=years[1], summary="Cíl plánu.")
    svc.section_create(actor=None, plan=plan, kind="needs", title="Analýza potřeb", body="Potřeby obyvatel.")
    a = svc.priority_create(actor=None, plan=plan, kind="system", code="A", title="Systémová priorita")
    s1 = svc.priority_create(actor=None, plan=plan, kind="group", target_group=2, code="S1", title="Senioři doma")
    for prio in (a, s1):
        for i in range(1, measures + 1):
            m = svc.measure_create(actor=None, priority=prio, code=f"{prio.code}.{i}", title=f"Opatření {prio.code}.{i}",
                                   responsible="ORP", year_from=years[0], year_to=years[1])
            svc.indicator_create(actor=None, measure=m, name=f"Indikátor {m.code}", baseline=10,
                                 baseline_year=years[0] - 1, targets={y: 10 + k for k, y in
                                                                      enumerate(range(years[0], years[1] + 1))})
    if approve:
        plan = svc.plan_approve(actor=None, plan=plan, approved_on=dt.date(years[0] - 1, 12, 1))
    return plan
