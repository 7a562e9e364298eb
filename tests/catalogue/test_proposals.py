"""Provider-proposed catalogue content: a provider proposes a description, contacts, opening hours, a price list
and photos; nothing is public before a kraj officer approves it; a return needs a reason; both sides are
notified; another provider, a provider approving its own text and another kraj are refused; the public page,
the API, the CSV/XLSX and the HSDS export show the approved content."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from socplan.catalogue import content, exports, images
from socplan.catalogue.models import ContentProposal, ProposalPhoto, ProposalState
from socplan.catalogue.proposals import PhotoUpload, content_approve, content_propose, content_return
from socplan.catalogue.self_service import free_capacity_state
from socplan.notices.models import Notification
from socplan.registry.models import Provider, Service
from tests import factories

pytestmark = pytest.mark.django_db

HOURS = [{"day": d, "opens": "8:00", "closes": "16:00"} for d in range(1, 6)] + [
    {"day": 3, "opens": "17:00", "closes": "19:30"}]
PRICES = [{"item": "Pomoc při osobní hygieně", "amount": "135", "unit": "hodina"},
          {"item": "Dovoz oběda", "amount": "30,50", "unit": "úkon"}]
DESCRIPTION = "Pomáháme seniorům zůstat doma: hygiena, nákupy, dovoz obědů. Zkušební text h20."


@pytest.fixture
def service():
    return Service.objects.get(registry_id=323)


@pytest.fixture
def provider(service):
    return factories.provider_user(service.provider)


@pytest.fixture
def officer():
    return factories.officer()  # kraj-referent: without the right to approve, may review catalogue content


def _propose(actor, service, **kw):
    data = {"description": DESCRIPTION, "how_to_apply": "Zavolejte sociální pracovnici.", "phone": "+420 516 111 222",
            "email": "pece@example.org", "web": "https://pece.example.org", "opening_hours": HOURS,
            "opening_note": "Ve svátky zavřeno.", "prices": PRICES, "price_note": "Podle vyhlášky č. 505/2006 Sb.",
            "photos": [PhotoUpload("klubovna.png", factories.png_bytes(text=b"GPS 49.1 16.6"), "Klubovna")]}
    data.update(kw)
    return content_propose(actor=actor, service=service, **data)


def _page(client, service) -> str:
    client.logout()
    return client.get(f"/katalog/sluzba/{service.pk}/").content.decode()


def test_nothing_is_public_before_approval_then_everything_is(client, service, provider, officer):
    proposal = _propose(provider, service)
    assert proposal.state == ProposalState.SUBMITTED
    # officers of the kraj are told; the page, API, CSV and HSDS still show the registry's content
    assert Notification.objects.filter(recipient=officer, topic="catalogue.proposal.submitted").exists()
    html = _page(client, service)
    assert DESCRIPTION not in html and "516 111 222" not in html and "Pomoc při osobní hygieně" not in html
    photo = proposal.photos.get()
    assert client.get(f"/katalog/foto/{photo.pk}/").status_code == 404  # not public before approval
    api = client.get(f"/api/v1/catalogue/services/{service.pk}/").json()
    assert api["provider_description"] == "" and api["prices"] == [] and api["contact"]["phone"] != "+420 516 111 222"
    assert DESCRIPTION not in exports.csv_bytes(exports.rows()).decode("utf-8-sig")

    content_approve(actor=officer, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.APPROVED and proposal.decided_by == officer
    assert Notification.objects.filter(recipient=provider, topic="catalogue.proposal.approved").exists()
    html = _page(client, service)
    assert DESCRIPTION in html and "+420 516 111 222" in html and "pece@example.org" in html
    assert "po–pá 8:00–16:00" not in html  # Wednesday has a second interval, so the days do not group
    assert "po–út 8:00–16:00" in html and "st 8:00–16:00, 17:00–19:30" in html and "čt–pá 8:00–16:00" in html
    assert "Pomoc při osobní hygieně" in html and "135\xa0Kč" in html and "30,50\xa0Kč" in html
    assert "Ve svátky zavřeno." in html and "kraj je ověřil dne" in html

    resp = client.get(f"/katalog/foto/{photo.pk}/")
    assert resp.status_code == 200 and resp["Content-Type"] == "image/png"
    assert resp["X-Content-Type-Options"] == "nosniff" and "sandbox" in resp["Content-Security-Policy"]
    assert b"GPS 49.1" not in resp.content and resp.content.startswith(images.PNG_MAGIC)

    api = client.get(f"/api/v1/catalogue/services/{service.pk}/").json()
    assert api["provider_description"] == DESCRIPTION and api["contact"]["phone"] == "+420 516 111 222"
    assert api["opening_hours"][0] == {"day": 1, "opens": "08:00", "closes": "16:00"}
    assert [(p["item"], p["amount"], p["unit"]) for p in api["prices"]] == [
        ("Pomoc při osobní hygieně", "135.00", "hodina"), ("Dovoz oběda", "30.50", "úkon")]
    assert api["photos"][0]["caption"] == "Klubovna" and api["content_approved_on"] == timezone.localdate().isoformat()

    row = next(r for r in csv.DictReader(io.StringIO(exports.csv_bytes(exports.rows()).decode("utf-8-sig")))
               if r["id"] == str(service.pk))
    assert row["telefon"] == "'+420 516 111 222"  # a leading + stays text in a spreadsheet (safe_cells)
    row = next(r for r in exports.rows() if r["id"] == service.pk)
    assert row["popis"] == DESCRIPTION and row["telefon"] == "+420 516 111 222" and row["email"] == "pece@example.org"
    assert row["oteviraci_doba"] == "po–út 8:00–16:00; st 8:00–16:00, 17:00–19:30; čt–pá 8:00–16:00"
    assert row["uhrady"] == "Pomoc při osobní hygieně = 135 Kč / hodina; Dovoz oběda = 30,50 Kč / úkon"

    doc = exports.hsds_document(base_url="http://testserver")
    svc = next(s for s in doc["contents"] if s["url"].endswith(f"/katalog/sluzba/{service.pk}/"))
    assert svc["description"] == DESCRIPTION and svc["application_process"] == "Zavolejte sociální pracovnici."
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in svc["schedules"]][2:4] == [
        ("WE", "08:00", "16:00"), ("WE", "17:00", "19:30")]
    assert {s["freq"] for s in svc["schedules"]} == {"WEEKLY"}
    assert [(c["option"], c["amount"], c["currency"], c["amount_description"]) for c in svc["cost_options"]] == [
        ("Pomoc při osobní hygieně", 135.0, "CZK", "hodina"), ("Dovoz oběda", 30.5, "CZK", "úkon")]
    assert svc["phones"][0]["number"] == "+420 516 111 222"


def test_return_needs_a_reason_publishes_nothing_and_tells_the_provider(client, service, provider, officer):
    proposal = _propose(provider, service)
    with pytest.raises(ValidationError):
        content_return(actor=officer, proposal=proposal, reason="  ")
    content_return(actor=officer, proposal=proposal, reason="Doplňte ceník podle smlouvy.")
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.RETURNED and proposal.return_reason == "Doplňte ceník podle smlouvy."
    note = Notification.objects.get(recipient=provider, topic="catalogue.proposal.returned")
    assert "Doplňte ceník" in note.text
    assert DESCRIPTION not in _page(client, service)
    with pytest.raises(ValidationError):  # decided once: cannot be approved afterwards
        content_approve(actor=officer, proposal=proposal)
    # the history records who proposed and who returned it, with the reasons of each step
    reasons = list(proposal.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons == ["navrženo", "vráceno k opravě"]


def test_a_new_proposal_supersedes_the_waiting_one_and_the_newest_approval_is_shown(client, service, provider,
                                                                                   officer):
    first = _propose(provider, service, description="První verze textu h20.")
    second = _propose(provider, service, description="Druhá verze textu h20.", photos=[])
    first.refresh_from_db()
    assert first.state == ProposalState.SUPERSEDED
    with pytest.raises(ValidationError):
        content_approve(actor=officer, proposal=first)
    content_approve(actor=officer, proposal=second)
    html = _page(client, service)
    assert "Druhá verze textu h20." in html and "První verze" not in html


def test_scope_other_provider_own_approval_and_other_kraj_are_refused(service, provider):
    other = Provider.objects.exclude(pk=service.provider_id).filter(services__region__isnull=False).first()
    with pytest.raises(PermissionDenied):
        _propose(factories.provider_user(other), service)
    assert not ContentProposal.objects.filter(service=service).exists()
    proposal = _propose(provider, service)
    with pytest.raises(PermissionDenied):
        content_approve(actor=provider, proposal=proposal)  # a provider never approves its own text
    with pytest.raises(PermissionDenied):
        content_approve(actor=factories.officer(region_code="CZ010"), proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SUBMITTED


@pytest.mark.parametrize(("name", "data", "message"), [
    ("skript.png", b"<script>alert(1)</script>", "není fotografie"),
    ("mala.png", factories.png_bytes(100, 100), "100 × 100 px"),
    ("velka.jpg", factories.jpeg_header_bytes(7000, 400), "7000 × 400 px"),
    ("obri.png", images.PNG_MAGIC + b"\x00" * (images.MAX_BYTES + 1), "větší než 3 MB"),
    ("rozbita.jpg", b"\xff\xd8\xff\xe0\x00", "poškozený"),
])
def test_bad_photos_are_refused_with_a_czech_message_naming_the_file(service, provider, name, data, message):
    with pytest.raises(ValidationError) as exc:
        _propose(provider, service, photos=[PhotoUpload(name, data, "Popis")])
    assert message in str(exc.value) and (name in str(exc.value) or "×" in str(exc.value))
    assert not ProposalPhoto.objects.exists()


def test_photo_without_caption_and_bad_values_are_refused(service, provider):
    with pytest.raises(ValidationError, match="chybí popis"):
        _propose(provider, service, photos=[PhotoUpload("a.png", factories.png_bytes(), " ")])
    with pytest.raises(ValidationError, match="Web"):
        _propose(provider, service, web="javascript:alert(1)", photos=[])
    with pytest.raises(ValidationError, match="středa"):
        _propose(provider, service, opening_hours=[{"day": 3, "opens": "16:00", "closes": "08:00"}], photos=[])
    with pytest.raises(ValidationError, match="prázdný"):
        content_propose(actor=provider, service=service)
    assert not ContentProposal.objects.exists()


def test_jpeg_exif_is_stripped_and_dimensions_read():
    data = factories.jpeg_header_bytes(800, 600, exif=b"GPS 49.19 16.61")
    info = images.inspect(data, "foto.jpg")
    assert (info.kind, info.width, info.height) == ("jpeg", 800, 600)
    clean = images.strip_metadata(data, "jpeg")
    assert b"GPS" not in clean and b"JFIF" in clean and clean.endswith(b"\xff\xd9")
    assert images.inspect(clean).width == 800


def test_published_photos_can_be_kept_in_a_new_proposal(service, provider, officer):
    first = _propose(provider, service)
    content_approve(actor=officer, proposal=first)
    kept = first.photos.get()
    second = _propose(provider, service, photos=[], keep_photo_ids=[kept.pk], description="Nový text h20.")
    assert [p.caption for p in second.photos.all()] == ["Klubovna"]
    other = Service.objects.exclude(pk=service.pk).filter(provider=service.provider).first()
    if other is not None:  # photos of another service cannot be carried over
        with pytest.raises(ValidationError):
            _propose(provider, other, photos=[], keep_photo_ids=[kept.pk])


def test_content_helpers():
    assert content.opening_lines(content.opening_hours(
        [{"day": d, "opens": "7:30", "closes": "15:00"} for d in (1, 2, 3, 4, 5)])) == ["po–pá 7:30–15:00"]
    assert content.parse_prices("Oběd; 1 234,5 Kč; porce\n\n") == [
        {"item": "Oběd", "amount": "1234.50", "unit": "porce"}]
    for bad in ("Oběd; 95", "Oběd; devadesát; porce", "Oběd; -5; porce"):
        with pytest.raises(content.ContentError, match="řádek 1"):
            content.parse_prices(bad)
    with pytest.raises(content.ContentError, match="překrývají"):
        content.opening_hours([{"day": 1, "opens": "08:00", "closes": "12:00"},
                               {"day": 1, "opens": "11:00", "closes": "15:00"}])
    assert content.prices_text(content.parse_prices("Oběd; 95; porce")) == "Oběd; 95; porce"


def test_pages_propose_review_and_inbox(client, service, provider, officer):
    client.force_login(provider)
    url = f"/katalog/sluzba/{service.pk}/obsah/"
    assert client.get(url).status_code == 200
    png = io.BytesIO(factories.png_bytes())
    png.name = "dum.png"
    resp = client.post(url, {"description": DESCRIPTION, "phone": "+420 777 000 111", "opens_1": "8:00",
                             "closes_1": "12:00", "prices_text": "Oběd; 95; porce", "photo_1": png,
                             "caption_1": "Vchod do domu"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    proposal = ContentProposal.objects.get(service=service)
    assert proposal.opening_hours == [{"day": 1, "opens": "08:00", "closes": "12:00"}]
    assert proposal.prices == [{"item": "Oběd", "amount": "95.00", "unit": "porce"}]
    assert client.get(resp["Location"]).status_code == 200
    assert client.get(f"/katalog/foto/{proposal.photos.get().pk}/").status_code == 200  # the provider sees it
    # a bad price line is shown on the form with the line number; nothing is saved
    resp = client.post(url, {"prices_text": "Oběd; zdarma; porce"})
    assert resp.status_code == 200 and "Ceník, řádek 1" in resp.content.decode()
    assert ContentProposal.objects.count() == 1
    # the provider cannot approve through the page
    assert client.post(f"/katalog/navrh/{proposal.pk}/", {"action": "approve"}).status_code == 403
    # another provider sees neither the form nor the proposal
    other = Provider.objects.exclude(pk=service.provider_id).filter(services__region__isnull=False).first()
    client.force_login(factories.provider_user(other))
    assert client.get(url).status_code == 403
    assert client.get(f"/katalog/navrh/{proposal.pk}/").status_code == 404

    client.force_login(officer)
    from socplan.inbox.selectors import inbox_items

    assert any(i.url == f"/katalog/navrh/{proposal.pk}/" for i in inbox_items(officer))
    page = client.get("/katalog/navrhy/").content.decode()
    assert service.name in page
    resp = client.post(f"/katalog/navrh/{proposal.pk}/", {"action": "return", "reason": ""})
    assert resp.status_code == 200 and ContentProposal.objects.get().state == ProposalState.SUBMITTED
    resp = client.post(f"/katalog/navrh/{proposal.pk}/", {"action": "approve"})
    assert resp.status_code == 302
    assert "+420 777 000 111" in _page(client, service)
    client.force_login(officer)
    detail = client.get(f"/katalog/navrh/{proposal.pk}/").content.decode()
    assert "schváleno a zveřejněno" in detail


def test_hsds_export_with_approved_content_and_free_places_validates(service, provider, officer):
    from tests.catalogue.test_open_data import _errors, _validator

    content_approve(actor=officer, proposal=_propose(provider, service))
    free_capacity_state(actor=provider, service=service, places_free=2, waiting_list=9,
                        stated_on=timezone.localdate() - timedelta(days=1))
    doc = exports.hsds_document(base_url="http://testserver")
    assert doc["hsds_version"] == "3.1"
    svc = next(s for s in doc["contents"] if s["url"].endswith(f"/katalog/sluzba/{service.pk}/"))
    v = _validator("service.json")
    assert not _errors(v, svc), _errors(v, svc)[:3]
    cap = svc["capacities"][0]
    assert cap["available"] == 2 and cap["unit"]["name"] and "čekatelé v pořadníku: 9" in cap["description"]
    assert cap["maximum"] > 0
    assert all(sal["service_areas"] for sal in svc["service_at_locations"]) or not svc.get("service_areas")
    json.dumps(doc)
    # the check is not vacuous for the 3.1 parts
    for mutate in (lambda s: s["schedules"][0].update(freq="DAILY"), lambda s: s["capacities"][0].pop("unit"),
                   lambda s: s["cost_options"][0].update(amount="135 Kč"),
                   lambda s: s["capacities"][0].update(available="dvě")):
        broken = json.loads(json.dumps(svc))
        mutate(broken)
        assert _errors(v, broken)


def test_entries_not_updated_are_flagged_to_the_provider_and_marked(client, service, provider, officer):
    from socplan.catalogue.services import catalogue_refresh
    from socplan.inbox.selectors import inbox_items

    def mine():
        return [(i.action, i.url) for i in inbox_items(provider) if i.module == "catalogue"]

    free_capacity_state(actor=provider, service=service, places_free=1, waiting_list=None,
                        stated_on=timezone.localdate() - timedelta(days=40))
    assert ("aktualizovat volná místa", f"/katalog/sluzba/{service.pk}/volna-mista/") in mine()
    free_capacity_state(actor=provider, service=service, places_free=1, waiting_list=None,
                        stated_on=timezone.localdate())
    assert not mine()
    proposal = _propose(provider, service, photos=[])
    content_approve(actor=officer, proposal=proposal)
    assert not mine()
    ContentProposal.objects.filter(pk=proposal.pk).update(decided_at=timezone.now() - timedelta(days=400))
    assert ("ověřit a aktualizovat obsah v katalogu", f"/katalog/sluzba/{service.pk}/obsah/") in mine()
    html = _page(client, service)
    assert "kraj je ověřil dne" in html and "údaj může být zastaralý" not in html
    catalogue_refresh(service_ids=[service.pk])
    assert "údaj může být zastaralý" in _page(client, service)
