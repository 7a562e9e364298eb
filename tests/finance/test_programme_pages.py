"""Programmes and rounds created and edited by the kraj's staff on their pages (the generic edit page with the
optimistic-locking form): who may, Czech errors, stale edits, nothing half-saved, and the rules that an approved
allocation freezes (docs/financing.md §12.1).

World: tests/finance/test_adapter_world.py (Zlínský kraj).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from socplan.finance import programmes, services
from socplan.finance.models import Programme, ProgrammeRound
from socplan.registry.models import ServiceKind

from . import test_adapter_world as world
from .test_adapter_world import YEAR
from .test_programmes import HALF, make_round

_fast_password_hashing, zlk, zlk_users = world._fast_password_hashing, world.zlk, world.zlk_users  # fixtures

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def programme_post(**extra) -> dict:
    kinds = [str(ServiceKind.objects.get(code=c).pk) for c in ("39", "49")]
    data = {"code": "jmk-105", "name": "Program kraje na sociální služby", "legal_basis": "region_105",
            "budget": "12 000 000", "instrument": "contract", "payment_schedule": "half_yearly",
            "damping_max_drop": "0,1", "profit_rate": "0", "carry_over_limit": "0,1",
            "entrustment_from": str(YEAR), "entrustment_to": str(YEAR + 2), "conditions": "Podmínky.", "note": "",
            "kinds": kinds}
    data.update(extra)
    return data


def round_post(**extra) -> dict:
    data = {"number": "1", "budget": "6 000 000", "applications_from": f"{YEAR - 1}-09-01",
            "applications_to": f"{YEAR - 1}-10-31", "decisions_by": f"{YEAR}-03-31",
            "reports_by": f"{YEAR + 1}-02-15", "refund_due": ""}
    data.update(extra)
    return data


@pytest.fixture
def orp_user(zlk, django_user_model):
    from socplan.accounts.models import Role, RoleAssignment
    from socplan.territory.models import Orp

    user = django_user_model.objects.create_user(username="zlk_orp", password="x")
    RoleAssignment.objects.create(user=user, role=Role.ORP_COORDINATOR, orp=Orp.objects.get(code="7213"),
                                  region=zlk.region)
    return user


def test_officer_creates_a_programme_and_its_round_on_the_pages(zlk, zlk_users):
    officer = client(zlk_users.officer)
    listing = officer.get(f"/financovani/programy/{zlk.region.code}/{YEAR}/").content.decode()
    assert f"/financovani/programy/{zlk.region.code}/{YEAR}/novy/" in listing and "/prace/terminy/" in listing
    page = officer.get(f"/financovani/programy/{zlk.region.code}/{YEAR}/novy/")
    assert page.status_code == 200 and "Oprávněné druhy služeb" in page.content.decode()
    response = officer.post(f"/financovani/programy/{zlk.region.code}/{YEAR}/novy/", programme_post())
    programme = Programme.objects.get(region=zlk.region, year=YEAR, code="jmk-105")
    assert response.status_code == 302 and response["Location"] == f"/financovani/program/{programme.pk}/"
    assert (programme.budget, programme.damping_max_drop, programme.instrument) == (
        Decimal(12_000_000), Decimal("0.1"), "contract")
    assert sorted(k.code for k in programme.kinds.all()) == ["39", "49"]
    record = programme.history.latest()
    assert (record.history_user, record.history_change_reason) == (zlk_users.officer, "program založen")

    detail = officer.get(f"/financovani/program/{programme.pk}/").content.decode()
    for link in (f"/financovani/program/{programme.pk}/upravit/", f"/financovani/program/{programme.pk}/kolo/nove/",
                 "/prace/terminy/"):
        assert link in detail
    form = officer.get(f"/financovani/program/{programme.pk}/kolo/nove/").content.decode()
    assert 'value="1"' in form  # the first free number
    response = officer.post(f"/financovani/program/{programme.pk}/kolo/nove/", round_post())
    rnd = ProgrammeRound.objects.get(programme=programme, number=1)
    assert response.status_code == 302 and response["Location"].endswith(f"/program/{programme.pk}/#kolo-1")
    assert (rnd.budget, rnd.decisions_by, rnd.refund_due) == (Decimal(6_000_000), dt.date(YEAR, 3, 31), None)
    assert f"/financovani/kolo/{rnd.pk}/upravit/" in officer.get(f"/financovani/program/{programme.pk}/").content \
        .decode()

    # edit: the programme's name and the round's settlement date
    response = officer.post(f"/financovani/program/{programme.pk}/upravit/",
                            programme_post(name="Program kraje 2", expected_version="1"))
    assert response.status_code == 302
    programme.refresh_from_db()
    assert (programme.name, programme.version) == ("Program kraje 2", 2)
    assert programme.history.latest().history_change_reason == "program upraven"
    response = officer.post(f"/financovani/kolo/{rnd.pk}/upravit/",
                            round_post(reports_by=f"{YEAR + 1}-03-01", expected_version="1"))
    assert response.status_code == 302
    rnd.refresh_from_db()
    assert (rnd.reports_by, rnd.version) == (dt.date(YEAR + 1, 3, 1), 2)
    assert rnd.history.latest().history_user == zlk_users.officer


def test_orp_provider_and_other_kraj_are_refused(zlk, zlk_users, orp_user):
    rnd = make_round(zlk)
    programme = rnd.programme
    create = f"/financovani/programy/{zlk.region.code}/{YEAR}/novy/"
    pages = [create, f"/financovani/program/{programme.pk}/upravit/",
             f"/financovani/program/{programme.pk}/kolo/nove/", f"/financovani/kolo/{rnd.pk}/upravit/"]
    for user in (orp_user, zlk_users.provider1, zlk_users.other_region, zlk_users.nobody):
        c = client(user)
        for path in pages:
            assert c.get(path).status_code in (403, 404), (user, path)
            assert c.post(path, {**programme_post(code="cizi"), **round_post(number="2"),
                                 "expected_version": "1"}).status_code in (403, 404), (user, path)
    assert Client().get(create).status_code == 302  # anonymous: the login page
    assert list(Programme.objects.filter(region=zlk.region).values_list("code", flat=True)) == ["101a"]
    assert ProgrammeRound.objects.filter(programme__region=zlk.region).count() == 1
    programme.refresh_from_db()
    assert programme.version == 1
    # the page does not offer what the user may not do
    listing = client(orp_user).get(f"/financovani/programy/{zlk.region.code}/{YEAR}/").content.decode()
    assert "/novy/" not in listing
    with pytest.raises(PermissionDenied):
        programmes.programme_update(actor=zlk_users.provider1, programme=programme, data={"name": "x"})
    with pytest.raises(PermissionDenied):
        programmes.programme_round_update(actor=orp_user, programme_round=rnd, data={"budget": 1})


def test_a_stale_edit_saves_nothing_and_says_what_changed(zlk, zlk_users):
    rnd = make_round(zlk)
    programme = rnd.programme
    officer = client(zlk_users.officer)
    assert 'name="expected_version" value="1"' in officer.get(f"/financovani/program/{programme.pk}/upravit/") \
        .content.decode()
    programmes.programme_update(actor=zlk_users.approver, programme=programme, data={"name": "Jiný název"},
                                expected_version=1)
    response = officer.post(f"/financovani/program/{programme.pk}/upravit/", programme_post(
        code="101a", legal_basis="state_101a", name="Můj název", budget="21 000 000", expected_version="1"))
    page = response.content.decode()
    assert response.status_code == 200 and "Záznam mezitím změnil jiný uživatel" in page and "Jiný název" in page
    programme.refresh_from_db()
    assert (programme.name, programme.budget, programme.version) == ("Jiný název", Decimal(20_000_000), 2)
    assert not programme.kinds.exists()  # the kinds were not saved either
    # the round: the same
    programmes.programme_round_update(actor=zlk_users.approver, programme_round=rnd,
                                      data={"decisions_by": dt.date(YEAR, 4, 15)}, expected_version=1)
    response = officer.post(f"/financovani/kolo/{rnd.pk}/upravit/", round_post(budget="1 000", expected_version="1"))
    assert "Záznam mezitím změnil jiný uživatel" in response.content.decode()
    rnd.refresh_from_db()
    assert (rnd.budget, rnd.decisions_by, rnd.version) == (HALF, dt.date(YEAR, 4, 15), 2)


def test_czech_errors_and_nothing_half_saved(zlk, zlk_users):
    rnd = make_round(zlk)
    programme = rnd.programme
    officer = client(zlk_users.officer)
    create = f"/financovani/programy/{zlk.region.code}/{YEAR}/novy/"
    page = officer.post(create, programme_post(entrustment_from=str(YEAR + 1), entrustment_to=str(YEAR))) \
        .content.decode()
    assert "Pověření musí končit nejdříve v roce, kdy začíná." in page
    page = officer.post(create, programme_post(code="101a")).content.decode()  # the code is taken this year
    assert "Program s tímto kódem už v roce existuje." in page
    page = officer.post(create, programme_post(budget="dvanáct")).content.decode()
    assert "„dvanáct“ není číslo." in page
    assert Programme.objects.filter(region=zlk.region).count() == 1
    # a second round beyond the programme's budget
    page = officer.post(f"/financovani/program/{programme.pk}/kolo/nove/",
                        round_post(number="2", budget="13 500 000")).content.decode()
    assert "by přesáhly rozpočet programu" in page
    page = officer.post(f"/financovani/program/{programme.pk}/kolo/nove/",
                        round_post(number="1")).content.decode()
    assert "Kolo s tímto číslem už v programu existuje." in page
    page = officer.post(f"/financovani/kolo/{rnd.pk}/upravit/", round_post(
        applications_from=f"{YEAR}-05-01", applications_to=f"{YEAR}-04-01", expected_version="1")).content.decode()
    assert "Konec příjmu žádostí je před jeho začátkem." in page
    assert ProgrammeRound.objects.filter(programme__region=zlk.region).count() == 1
    # the programme's budget below its rounds' budgets: refused, and its kinds and name are not saved either
    response = officer.post(f"/financovani/program/{programme.pk}/upravit/", programme_post(
        code="101a", legal_basis="state_101a", name="Nový název", budget="1 000 000", expected_version="1"))
    assert "nesmí být nižší než součet rozpočtů jeho kol" in response.content.decode()
    programme.refresh_from_db()
    assert (programme.name, programme.budget, programme.version) == ("Dotace ze státního rozpočtu",
                                                                     Decimal(20_000_000), 1)
    assert not programme.kinds.exists()


def test_an_approved_allocation_freezes_the_rules_not_the_dates(zlk, zlk_users):
    rnd = make_round(zlk)
    programme = rnd.programme
    run = services.allocation_run(actor=None, region=zlk.region, year=YEAR, budget=HALF, programme_round=rnd)
    # a proposal does not freeze anything
    rnd = programmes.programme_round_update(actor=zlk_users.officer, programme_round=rnd,
                                            data={"budget": HALF + 1000}, expected_version=1)
    rnd = programmes.programme_round_update(actor=zlk_users.officer, programme_round=rnd, data={"budget": HALF})
    services.allocation_run_approve(actor=zlk_users.approver, run=run)
    with pytest.raises(ValidationError) as exc:
        programmes.programme_round_update(actor=zlk_users.officer, programme_round=rnd,
                                          data={"budget": HALF + 1000})
    assert "kolo už má schválené rozdělení" in exc.value.message_dict["budget"][0]
    officer = client(zlk_users.officer)
    edit = officer.get(f"/financovani/kolo/{rnd.pk}/upravit/").content.decode()
    assert 'id="rules-frozen"' in edit
    page = officer.post(f"/financovani/kolo/{rnd.pk}/upravit/", round_post(
        budget="7 000 000", reports_by=f"{YEAR + 1}-03-15", expected_version=str(rnd.version))).content.decode()
    assert "kolo už má schválené rozdělení" in page
    rnd.refresh_from_db()
    assert (rnd.budget, rnd.reports_by) == (HALF, dt.date(YEAR + 1, 2, 15))  # nothing of the two saved
    response = officer.post(f"/financovani/kolo/{rnd.pk}/upravit/", round_post(
        budget="6 853 500", reports_by=f"{YEAR + 1}-03-15", expected_version=str(rnd.version)))
    assert response.status_code == 302  # the dates may move
    rnd.refresh_from_db()
    assert rnd.reports_by == dt.date(YEAR + 1, 3, 15)
    # the programme: its allocation rules are frozen, its name and conditions are not
    with pytest.raises(ValidationError) as exc:
        programmes.programme_update(actor=zlk_users.officer, programme=programme,
                                    data={"damping_max_drop": Decimal("0.05")})
    assert "kolo 1. má schválené rozdělení" in exc.value.message_dict["damping_max_drop"][0]
    with pytest.raises(ValidationError) as exc:
        programmes.programme_update(actor=zlk_users.officer, programme=programme, data={},
                                    kinds=[ServiceKind.objects.get(code="49")])
    assert "Oprávněné druhy nelze změnit" in exc.value.message_dict["kinds"][0]
    assert 'id="rules-frozen"' in officer.get(f"/financovani/program/{programme.pk}/upravit/").content.decode()
    # the group limits too (the limits page): a kind's totals and the district minimum
    kind = ServiceKind.objects.get(code="49")
    with pytest.raises(ValidationError, match="Meze druhu § 49 nelze změnit: kolo 1. má schválené rozdělení"):
        programmes.programme_limits_set(actor=zlk_users.officer, programme=programme, district_min_per_capita=None,
                                        kind_limits={kind: (None, Decimal(1000))})
    with pytest.raises(ValidationError, match="kolo 1. má schválené rozdělení"):
        programmes.programme_limits_set(actor=zlk_users.officer, programme=programme,
                                        district_min_per_capita=Decimal(1), kind_limits={})
    programmes.programme_limits_set(actor=zlk_users.officer, programme=programme, district_min_per_capita=None,
                                    kind_limits={kind: (None, None)})  # unchanged: accepted
    assert not programme.kind_limits.exists()
    programme = programmes.programme_update(actor=zlk_users.officer, programme=programme,
                                            data={"name": "Dotace ze SR", "conditions": "Nové podmínky."})
    assert (programme.name, programme.damping_max_drop, programme.version) == ("Dotace ze SR", None, 2)


def test_only_the_kinds_changed_is_a_new_version_with_history(zlk, zlk_users):
    programme = make_round(zlk).programme
    programme = programmes.programme_update(actor=zlk_users.officer, programme=programme, data={},
                                            kinds=[ServiceKind.objects.get(code="49")], expected_version=1)
    assert programme.version == 2 and [k.code for k in programme.kinds.all()] == ["49"]
    record = programme.history.latest()
    assert (record.version, record.history_user, record.history_change_reason) == (
        2, zlk_users.officer, "oprávněné druhy změněny")
    with pytest.raises(TypeError):
        programmes.programme_update(actor=zlk_users.officer, programme=programme, data={"year": YEAR + 1})
