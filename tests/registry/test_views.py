"""Registry pages with the Django test client, on the demo region of the session database (load-demo + demo users).

Expected results are computed independently from the database in each test (sets of services, sorted names),
never copied from the page output.
"""

from __future__ import annotations

import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from socplan.accounts.models import RoleAssignment
from socplan.core.czech import sort_key
from socplan.core.models import Source
from socplan.registry.edit_services import area_records, capacity_records, state_token
from socplan.registry.models import Capacity, Economics, Facility, Service, ServiceArea, Staffing
from socplan.territory.models import Municipality, Orp

pytestmark = pytest.mark.django_db

ROW_LINK = re.compile(r'href="/registr/sluzba/(\d+)/"')


def ids_on_page(html: str) -> list[int]:
    table = html.split('data-testid="service-table"', 1)[1].split("</table>", 1)[0]
    return [int(x) for x in ROW_LINK.findall(table)]


@pytest.fixture
def users(db):
    User = get_user_model()
    provider_user = User.objects.get(username="poskytovatel")
    return SimpleNamespace(
        officer=User.objects.get(username="kraj-referent"),
        provider=provider_user,
        provider_id=RoleAssignment.objects.get(user=provider_user).provider_id,
        orp=User.objects.get(username="orp-blansko"),
    )


@pytest.fixture
def own_service(users):
    """A service of the demo provider user's provider that has a capacity and a facility."""
    return (Service.objects.filter(provider_id=users.provider_id, forms__capacities__isnull=False,
                                   facilities__isnull=False).order_by("pk").first())


@pytest.fixture
def other_service(users):
    return (Service.objects.exclude(provider_id=users.provider_id).filter(region__code="CZ064")
            .annotate(n=Count("areas")).filter(n__gte=2).order_by("pk").first())


# --- list ----------------------------------------------------------------------------------------------------

def test_list_shows_all_services_paginated(client):
    response = client.get("/registr/")
    assert response.status_code == 200
    html = response.content.decode()
    total = Service.objects.count()
    assert f"Počet služeb: {total:,}.".replace(",", "\xa0") in html
    in_czech_order = [pk for _name, pk in sorted(Service.objects.values_list("name", "pk"),
                                                   key=lambda r: (sort_key(r[0]), r[1]))]
    assert ids_on_page(html) == in_czech_order[:25]
    page2 = client.get("/registr/", {"page": 2}).content.decode()
    assert ids_on_page(page2) == in_czech_order[25:50]


def test_list_filter_by_kind_and_orp(client):
    orp = Orp.objects.get(code="6201")
    in_orp = set(ServiceArea.objects.filter(Q(orp=orp) | Q(municipality__orp=orp)).values_list("service_id", flat=True))
    in_orp |= set(Facility.objects.filter(municipality__orp=orp).values_list("service_id", flat=True))
    expected = set(Service.objects.filter(kind__code="49", pk__in=in_orp).values_list("pk", flat=True))
    assert expected, "the demo has homes for the elderly in ORP Blansko"
    html = client.get("/registr/", {"kind": "49", "orp": "6201"}).content.decode()
    assert set(ids_on_page(html)) == expected
    assert f"Služeb odpovídajících filtru: {len(expected)} z" in html


@pytest.mark.parametrize("data, synthetic", [("synthetic", True), ("real", False)])
def test_list_filter_real_or_synthetic_with_badge(client, data, synthetic):
    html = client.get("/registr/", {"data": data, "kind": "49"}).content.decode()
    ids = ids_on_page(html)
    assert ids
    sources = set(Service.objects.filter(pk__in=ids).values_list("source", flat=True))
    assert (sources == {Source.SYNTHETIC}) is synthetic
    expected = Service.objects.filter(kind__code="49")
    expected = expected.filter(source=Source.SYNTHETIC) if synthetic else expected.exclude(source=Source.SYNTHETIC)
    assert f"Služeb odpovídajících filtru: {expected.count()} z" in html
    table = html.split('data-testid="service-table"', 1)[1]
    assert ('class="badge synthetic"' in table) is synthetic


@pytest.mark.parametrize("params, field", [
    ({"provider": "", "district": "CZ0641"}, "district"),
    ({"form": "pob", "category": "pece"}, "form"),
    ({"planning_group": "2"}, "planning_group"),
])
def test_list_other_filters(client, params, field):
    qs = Service.objects.all()
    if field == "district":
        in_d = set(ServiceArea.objects.filter(Q(orp__district__code="CZ0641") | Q(municipality__district__code="CZ0641"))
                   .values_list("service_id", flat=True))
        in_d |= set(Facility.objects.filter(municipality__district__code="CZ0641").values_list("service_id", flat=True))
        qs = qs.filter(pk__in=in_d)
    elif field == "form":
        qs = qs.filter(forms__form__code="pob", kind__category="pece").distinct()
    else:
        qs = qs.filter(target_groups__planning_group=2).distinct()
    html = client.get("/registr/", params).content.decode()
    assert f"Služeb odpovídajících filtru: {qs.count():,} z".replace(",", "\xa0") in html


def test_list_sorting(client):
    html = client.get("/registr/", {"sort": "-name"}).content.decode()
    descending = sorted(Service.objects.values_list("name", "pk"), key=lambda r: (sort_key(r[0]), r[1]),
                        reverse=True)
    assert ids_on_page(html) == [pk for _name, pk in descending[:25]]
    assert 'aria-sort="descending"' in html
    html = client.get("/registr/", {"sort": "provider"}).content.decode()
    first = min(Service.objects.values_list("provider__name", "name", "pk"),
                key=lambda r: (sort_key(r[0]), sort_key(r[1]), r[2]))
    assert ids_on_page(html)[0] == first[2]


def test_invalid_filter_value_is_reported(client):
    response = client.get("/registr/", {"kind": "999"})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()


# --- detail --------------------------------------------------------------------------------------------------

def test_detail_shows_capacities_facilities_map_scope(client, other_service):
    s = other_service
    html = client.get(f"/registr/sluzba/{s.pk}/").content.decode()
    assert s.name in html
    for cap in Capacity.objects.filter(service_form__service=s).select_related("service_form__form", "capacity_type"):
        assert f'data-capacity="{cap.service_form.form.code}-{cap.capacity_type.code}">{cap.count}<' in html
    with_point = Facility.objects.filter(service=s).filter(Q(lat__isnull=False) | Q(municipality__lat__isnull=False))
    svg = html.split('data-testid="facility-map"', 1)[1].split("</svg>", 1)[0]
    assert svg.count("<circle") == with_point.count() >= 1
    assert svg.count('class="scope"') == ServiceArea.objects.filter(service=s, orp__isnull=False).count()
    scope_table = html.split('data-testid="scope"', 1)[1].split("</table>", 1)[0]
    for area in ServiceArea.objects.filter(service=s).select_related("orp"):
        assert area.orp.name in scope_table
    assert "Historie změn" in html
    # provenance of the record and of its rows
    assert s.get_source_display() in html


def test_detail_private_data_only_for_allowed(client, users, own_service, other_service):
    hidden = "Údaje o úvazcích a hospodaření služby jsou neveřejné"
    html = client.get(f"/registr/sluzba/{own_service.pk}/").content.decode()
    assert hidden in html and 'data-testid="years"' not in html
    client.force_login(users.orp)
    assert hidden in client.get(f"/registr/sluzba/{other_service.pk}/").content.decode()
    client.force_login(users.provider)
    assert hidden in client.get(f"/registr/sluzba/{other_service.pk}/").content.decode()
    own = client.get(f"/registr/sluzba/{own_service.pk}/").content.decode()
    staffing = Staffing.objects.get(service=own_service, year=2026)
    assert 'data-testid="years"' in own
    assert f"{staffing.fte_direct:.2f}".replace(".", ",") in own
    client.force_login(users.officer)
    assert 'data-testid="years"' in client.get(f"/registr/sluzba/{other_service.pk}/").content.decode()


def test_unknown_service_is_404(client):
    assert client.get("/registr/sluzba/99999999/").status_code == 404


# --- edit: basic data ---------------------------------------------------------------------------------------

def _service_post(s, **changes):
    data = {"name": s.name, "kind": s.kind_id, "valid_from": s.valid_from.isoformat() if s.valid_from else "",
            "valid_to": "", "age_note": s.age_note, "web": s.web, "email": s.email, "phone": s.phone,
            "target_groups": list(s.target_groups.values_list("pk", flat=True)), "expected_version": s.version}
    data.update(changes)
    return data


def test_service_edit_saves_with_history_and_provenance(client, users, other_service):
    s = other_service
    client.force_login(users.officer)
    assert client.get(f"/registr/sluzba/{s.pk}/upravit/").status_code == 200
    response = client.post(f"/registr/sluzba/{s.pk}/upravit/", _service_post(s, name="Nový název služby",
                                                                          phone="+420 555 111 222"))
    assert response.status_code == 302
    s2 = Service.objects.get(pk=s.pk)
    assert (s2.name, s2.phone, s2.source, s2.version) == ("Nový název služby", "+420 555 111 222", Source.OFFICER,
                                                         s.version + 1)
    assert s2.verified_at is not None
    last = s2.history.order_by("-history_date", "-history_id").first()
    assert last.history_user == users.officer
    page = client.get(f"/registr/sluzba/{s.pk}/").content.decode()
    assert "Cyril Referent" in page and "Nový název služby" in page


def test_service_edit_stale_version_lists_changes_and_saves_nothing(client, users, other_service):
    s = other_service
    client.force_login(users.officer)
    loaded_version = s.version
    client.post(f"/registr/sluzba/{s.pk}/upravit/", _service_post(s, name="Změna kolegy"))
    response = client.post(f"/registr/sluzba/{s.pk}/upravit/",
                           _service_post(s, name="Moje změna", expected_version=loaded_version))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Záznam mezitím změnil jiný uživatel" in html
    assert "„název“" in html and "Změna kolegy" in html
    assert Service.objects.get(pk=s.pk).name == "Změna kolegy"
    # the form now carries the stored version: a deliberate second submit goes through
    assert f'name="expected_version" value="{loaded_version + 1}"' in html


def test_service_edit_validation_in_czech(client, users, other_service):
    client.force_login(users.officer)
    response = client.post(f"/registr/sluzba/{other_service.pk}/upravit/",
                           _service_post(other_service, valid_from="2020-01-01", valid_to="2019-01-01"))
    assert response.status_code == 200
    assert "Datum ukončení služby nesmí předcházet datu zahájení." in response.content.decode()


def test_service_edit_permissions(client, users, own_service, other_service):
    url = f"/registr/sluzba/{other_service.pk}/upravit/"
    response = client.get(url)
    assert response.status_code == 302 and "/ucet/login/" in response.url
    client.force_login(users.orp)
    assert client.get(url).status_code == 403
    assert client.post(url, _service_post(other_service, name="X")).status_code == 403
    client.force_login(users.provider)
    assert client.get(url).status_code == 403
    assert client.get(f"/registr/sluzba/{own_service.pk}/upravit/").status_code == 200
    response = client.post(f"/registr/sluzba/{own_service.pk}/upravit/", _service_post(own_service, web="https://x.cz"))
    assert response.status_code == 302
    assert Service.objects.get(pk=own_service.pk).source == Source.PROVIDER
    assert Service.objects.get(pk=other_service.pk).name == other_service.name


def test_only_the_kraj_changes_a_services_kind(client, users, own_service):
    from django.core.exceptions import ValidationError

    from socplan.registry.edit_services import service_update
    from socplan.registry.models import ServiceKind

    other_kind = ServiceKind.objects.exclude(pk=own_service.kind_id).filter(allowed_forms=None).first() or \
        ServiceKind.objects.exclude(pk=own_service.kind_id).first()
    client.force_login(users.provider)
    url = f"/registr/sluzba/{own_service.pk}/upravit/"
    assert re.search(r'<select name="kind"[^>]*\bdisabled\b', client.get(url).content.decode())
    # a disabled field ignores what is posted: the kind stays, the rest is saved
    response = client.post(url, _service_post(own_service, kind=other_kind.pk, web="https://druh.example.cz"))
    assert response.status_code == 302
    saved = Service.objects.get(pk=own_service.pk)
    assert (saved.kind_id, saved.web) == (own_service.kind_id, "https://druh.example.cz")
    with pytest.raises(ValidationError, match="jen krajský úřad"):
        service_update(actor=users.provider, service=saved, data={"kind": other_kind},
                       expected_version=saved.version)
    assert Service.objects.get(pk=own_service.pk).kind_id == own_service.kind_id


def test_web_and_email_are_checked(client, users, own_service):
    client.force_login(users.provider)
    url = f"/registr/sluzba/{own_service.pk}/upravit/"
    response = client.post(url, _service_post(own_service, web="javascript:alert(1)", email="neni-email"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Zadejte webovou adresu" in html and "Zadejte platnou e-mailovou adresu" in html
    assert Service.objects.get(pk=own_service.pk).web == own_service.web
    response = client.post(url, _service_post(own_service, web="www.sluzba-test.cz", email="info@sluzba-test.cz"))
    assert response.status_code == 302
    saved = Service.objects.get(pk=own_service.pk)
    assert (saved.web, saved.email) == ("https://www.sluzba-test.cz", "info@sluzba-test.cz")


# --- edit: capacities ----------------------------------------------------------------------------------------

def _capacity_post(service, **overrides):
    records = capacity_records(service)
    data = {"state": state_token(records)}
    for r in records:
        if isinstance(r, Capacity):
            data[f"c{r.pk}-count"] = str(r.count)
            data[f"c{r.pk}-description"] = r.description
        else:
            data[f"f{r.pk}-present"] = "1"
            if r.continuous:
                data[f"f{r.pk}-continuous"] = "on"
    data.update(overrides)
    return data


def test_capacity_edit(client, users, other_service):
    s = other_service
    cap = Capacity.objects.filter(service_form__service=s).order_by("pk").first()
    client.force_login(users.officer)
    assert client.get(f"/registr/sluzba/{s.pk}/kapacity/").status_code == 200
    response = client.post(f"/registr/sluzba/{s.pk}/kapacity/", _capacity_post(s, **{f"c{cap.pk}-count": "-5"}))
    assert response.status_code == 200
    assert "Kapacita nesmí být záporná." in response.content.decode()
    assert Capacity.objects.get(pk=cap.pk).count == cap.count
    response = client.post(f"/registr/sluzba/{s.pk}/kapacity/",
                           _capacity_post(s, **{f"c{cap.pk}-count": str(cap.count + 7)}))
    assert response.status_code == 302, re.findall(r'role="alert">(.*?)</', response.content.decode(), re.S)
    saved = Capacity.objects.get(pk=cap.pk)
    assert (saved.count, saved.source, saved.version) == (cap.count + 7, Source.OFFICER, cap.version + 1)
    assert saved.history.order_by("-history_date").first().history_user == users.officer


def test_capacity_add_and_stale_token(client, users, other_service):
    s = other_service
    client.force_login(users.officer)
    form = s.kind.allowed_forms.order_by("pk").first() or s.forms.first().form
    used = set(Capacity.objects.filter(service_form__service=s, service_form__form=form)
               .values_list("capacity_type__code", flat=True))
    from socplan.registry.models import CapacityType

    ctype = CapacityType.objects.exclude(code__in=used).order_by("order").first()
    old_state = _capacity_post(s)["state"]
    response = client.post(f"/registr/sluzba/{s.pk}/kapacity/", _capacity_post(
        s, **{"new-form": form.pk, "new-capacity_type": ctype.pk, "new-count": "4", "new-description": "nové"}))
    assert response.status_code == 302
    new = Capacity.objects.get(service_form__service=s, service_form__form=form, capacity_type=ctype)
    assert (new.count, new.description, new.source) == (4, "nové", Source.OFFICER)
    # a second editor who opened the page before the addition is refused, nothing is written
    data = _capacity_post(s)
    data["state"] = old_state
    cap = Capacity.objects.filter(service_form__service=s).exclude(pk=new.pk).first()
    data[f"c{cap.pk}-count"] = "999"
    response = client.post(f"/registr/sluzba/{s.pk}/kapacity/", data)
    html = response.content.decode()
    assert response.status_code == 200 and "Údaje mezitím změnil jiný uživatel" in html and "přidáno" in html
    assert Capacity.objects.get(pk=cap.pk).count != 999


# --- edit: territorial scope ----------------------------------------------------------------------------------

def _scope_post(service, **overrides):
    areas = area_records(service)
    data = {"state": state_token(areas)}
    for a in areas:
        data[f"a{a.pk}-share"] = "" if a.share is None else f"{a.share}".replace(".", ",")
    data.update(overrides)
    return data


def test_scope_edit_validation(client, users, other_service):
    s = other_service
    a1, a2 = area_records(s)[:2]
    client.force_login(users.officer)
    assert client.get(f"/registr/sluzba/{s.pk}/pusobnost/").status_code == 200
    response = client.post(f"/registr/sluzba/{s.pk}/pusobnost/", _scope_post(s, **{f"a{a1.pk}-share": "120"}))
    assert "Podíl musí být mezi 0 a 100 %." in response.content.decode()
    response = client.post(f"/registr/sluzba/{s.pk}/pusobnost/", _scope_post(
        s, **{f"a{a1.pk}-share": "70", f"a{a2.pk}-share": "60,5"}))
    html = response.content.decode()
    rest = sum((a.share or Decimal(0)) for a in area_records(s)[2:])
    total = f"{(Decimal('130.5') + rest).normalize():f}".replace(".", ",")
    assert f"Součet deklarovaných podílů je {total} %, smí být nejvýše 100 %." in html
    assert [a.share for a in area_records(s)] == [a.share for a in [a1, a2] + area_records(s)[2:]]


def test_scope_edit_update_add_remove(client, users, other_service):
    s = other_service
    areas = area_records(s)
    client.force_login(users.officer)
    muni = Municipality.objects.filter(region__code="CZ064").order_by("code").first()
    data = _scope_post(s, **{f"a{areas[0].pk}-share": "50", f"a{areas[1].pk}-delete": "on",
                             "n0-unit": f"obec:{muni.pk}", "n0-share": "1,5"})
    for a in areas[2:]:
        data[f"a{a.pk}-share"] = "0"
    response = client.post(f"/registr/sluzba/{s.pk}/pusobnost/", data)
    assert response.status_code == 302, response.content.decode()
    now = {(a.orp_id, a.municipality_id): a for a in ServiceArea.objects.filter(service=s)}
    assert now[(areas[0].orp_id, None)].share == Decimal("50")
    assert now[(areas[0].orp_id, None)].source == Source.OFFICER
    assert (areas[1].orp_id, None) not in now
    assert now[(None, muni.pk)].share == Decimal("1.5")


# --- edit: staffing and economics ----------------------------------------------------------------------------

def _year_post(staffing=None, economics=None, **values):
    data = {"rok": "2026", "staffing_version": staffing.version if staffing else 0,
            "economics_version": economics.version if economics else 0}
    data.update(values)
    return data


def test_year_edit(client, users, own_service):
    s = own_service
    st = Staffing.objects.get(service=s, year=2026)
    ec = Economics.objects.get(service=s, year=2026)
    url = f"/registr/sluzba/{s.pk}/rocni-udaje/?rok=2026"
    client.force_login(users.provider)
    assert client.get(url).status_code == 200
    response = client.post(url, _year_post(st, ec, fte_direct="-1", fte_other="2"))
    assert "Zadejte nezáporné číslo." in response.content.decode()
    assert Staffing.objects.get(pk=st.pk).fte_direct == st.fte_direct
    response = client.post(url, _year_post(st, ec, fte_direct="3,5", fte_other="1,25",
                                           cost_personnel="1 234 567,6", revenue_user_fees="100"))
    assert response.status_code == 302
    st2, ec2 = Staffing.objects.get(pk=st.pk), Economics.objects.get(pk=ec.pk)
    assert (st2.fte_direct, st2.fte_other, st2.source) == (Decimal("3.50"), Decimal("1.25"), Source.PROVIDER)
    assert ec2.cost_personnel == Decimal("1234568")  # whole CZK, half up
    assert ec2.cost_material == 0 and ec2.revenue_user_fees == 100  # a partly filled group: blanks are 0
    assert st2.history.order_by("-history_date").first().history_user == users.provider


def test_year_edit_new_year_and_stale(client, users, other_service):
    s = other_service
    url = f"/registr/sluzba/{s.pk}/rocni-udaje/?rok=2027"
    client.force_login(users.officer)
    assert client.post(url, _year_post(rok="2027", fte_direct="4")).status_code == 302
    st = Staffing.objects.get(service=s, year=2027)
    assert (st.fte_direct, st.fte_other, st.source) == (Decimal("4.00"), Decimal("0.00"), Source.OFFICER)
    assert not Economics.objects.filter(service=s, year=2027).exists()  # the blank group is not stored
    # someone else edits; a form opened before is refused with the change listed
    client.post(url, _year_post(st, rok="2027", fte_direct="5"))
    response = client.post(url, _year_post(st, rok="2027", fte_direct="6"))
    html = response.content.decode()
    assert "Záznam mezitím změnil jiný uživatel" in html and "úvazky v přímé péči" in html
    assert Staffing.objects.get(pk=st.pk).fte_direct == Decimal("5.00")


def test_year_edit_permissions(client, users, own_service, other_service):
    client.force_login(users.orp)
    assert client.get(f"/registr/sluzba/{other_service.pk}/rocni-udaje/?rok=2026").status_code == 403
    client.force_login(users.provider)
    assert client.get(f"/registr/sluzba/{other_service.pk}/rocni-udaje/?rok=2026").status_code == 403
    assert client.post(f"/registr/sluzba/{other_service.pk}/rocni-udaje/?rok=2026",
                       _year_post(fte_direct="1")).status_code == 403


# --- providers -----------------------------------------------------------------------------------------------

def test_provider_pages(client, users):
    from socplan.registry.models import Provider

    provider = Provider.objects.get(pk=users.provider_id)
    html = client.get("/registr/poskytovatele/", {"q": provider.ico}).content.decode()
    assert provider.name in html and "Počet poskytovatelů: 1." in html
    html = client.get(f"/registr/poskytovatel/{provider.pk}/").content.decode()
    n = Service.objects.filter(provider=provider).count()
    assert f"Služby poskytovatele ({n})" in html
    assert 'data-testid="provider-data-link"' not in html  # anonymous: no data exchange
    client.force_login(users.provider)
    assert 'data-testid="provider-data-link"' in client.get(f"/registr/poskytovatel/{provider.pk}/").content.decode()
    assert client.get(f"/registr/poskytovatel/{provider.pk}/rocni-udaje/").status_code == 200
    other = Provider.objects.exclude(pk=provider.pk).filter(services__region__code="CZ064").first()
    assert client.get(f"/registr/poskytovatel/{other.pk}/rocni-udaje/").status_code == 403
    assert client.get(f"/registr/poskytovatel/{other.pk}/sablona.xlsx?rok=2026").status_code == 403
    client.force_login(users.orp)
    assert client.get(f"/registr/poskytovatel/{provider.pk}/rocni-udaje/").status_code == 403
    client.force_login(users.officer)
    response = client.get(f"/registr/poskytovatel/{other.pk}/sablona.xlsx?rok=2026")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert f"socplan-rocni-udaje-{other.ico}-2026.xlsx" in response["Content-Disposition"]


def test_service_list_selector_applies_filters_and_scope():
    from django.contrib.auth.models import AnonymousUser

    from socplan.registry.ui_selectors import service_list

    anonymous = AnonymousUser()
    assert set(service_list(user=anonymous, filters={"kind": "49", "data": "real"}).values_list("pk", flat=True)) == \
        set(Service.objects.filter(kind__code="49").exclude(source=Source.SYNTHETIC).values_list("pk", flat=True))
    assert service_list(user=anonymous).count() == Service.objects.count()
    # an invalid value is ignored rather than emptying the list
    assert service_list(user=anonymous, filters={"kind": "999"}).count() == Service.objects.count()
