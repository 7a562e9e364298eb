"""An approved network version cannot be edited – not through the pages, the API or the admin; a change makes an
amendment. (The service and model level is in test_services.py.)"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from socplan.network import services
from socplan.network.models import NetworkEntry, NetworkVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_entry(demo):
    return demo.v25_2.entries.select_related("tier").order_by("pk").first()


def snapshot(entry):
    e = NetworkEntry.objects.get(pk=entry.pk)
    return (e.capacity, e.fte, e.tier_id, e.version, sorted(e.orps.values_list("pk", flat=True)))


# --- pages --------------------------------------------------------------------------------------------------

def test_page_edit_of_an_approved_entry_is_refused(client, users, approved_entry):
    client.force_login(users.approver)
    before = snapshot(approved_entry)
    url = reverse("network:network_entry_edit", args=[approved_entry.pk])
    resp = client.get(url)
    assert resp.status_code == 409
    assert "Schválený záznam nelze měnit ani mazat; změna vytvoří jeho novou verzi." in resp.content.decode()
    resp = client.post(url, {"tier": approved_entry.tier_id, "status": "existing", "capacity": 999, "fte": "1",
                             "expected_version": approved_entry.version})
    assert resp.status_code == 409
    resp = client.post(reverse("network:network_entry_delete", args=[approved_entry.pk]))
    assert resp.status_code == 409
    resp = client.post(reverse("network:network_entry_create", args=[approved_entry.network_id]),
                       {"service": approved_entry.service_id, "tier": approved_entry.tier_id, "status": "new",
                        "capacity": 1, "fte": "1"})
    assert resp.status_code == 409
    assert snapshot(approved_entry) == before
    assert NetworkEntry.objects.filter(network=approved_entry.network_id).count() == \
        approved_entry.network.entries.count()


def test_page_edit_of_a_draft_entry_works(client, users, draft):
    client.force_login(users.officer)
    e = draft.entries[0]
    resp = client.post(reverse("network:network_entry_edit", args=[e.pk]), {
        "tier": draft.tier.pk, "status": "existing", "capacity": 42, "fte": "3.25", "orps": [e.orps.first().pk],
        "expected_version": e.version})
    assert resp.status_code == 302
    e.refresh_from_db()
    assert (e.capacity, e.fte) == (42, Decimal("3.25"))


def test_page_amendment_instead_of_edit(client, users, demo):
    client.force_login(users.officer)
    # the latest approved 2025 version is amendment 2
    resp = client.post(reverse("network:network_amendment_create", args=[demo.v25_2.pk]),
                       {"reason": "Změna během roku."})
    assert resp.status_code == 302
    new = NetworkVersion.objects.get(region=demo.v25_2.region, year=2025, amendment=3)
    assert resp["Location"] == reverse("network:version", args=[new.pk])
    assert new.supersedes_id == demo.v25_2.pk and not new.is_approved
    assert new.entries.count() == demo.v25_2.entries.count()


def test_page_approve_needs_the_right_to_approve(client, users, draft):
    url = reverse("network:network_version_approve", args=[draft.version.pk])
    client.force_login(users.officer)
    assert client.post(url, {"decision_ref": "x"}).status_code == 403
    client.force_login(users.approver)
    # the draft's entries fail conditions: the page lists them and asks for a confirmation and a reason
    resp = client.post(url, {"decision_ref": "usn. 7"})
    assert resp.status_code == 200 and 'data-testid="failing-entries"' in resp.content.decode()
    assert not NetworkVersion.objects.get(pk=draft.version.pk).is_approved
    assert client.post(url, {"decision_ref": "usn. 7", "confirm_failing": "on"}).status_code == 200  # no reason
    assert client.post(url, {"decision_ref": "usn. 7", "confirm_failing": "on",
                             "reason": "Podmínky se doplní."}).status_code == 302
    assert NetworkVersion.objects.get(pk=draft.version.pk).is_approved
    # once approved, the approve and edit pages answer 409
    assert client.post(url, {"decision_ref": "again"}).status_code == 409


# --- API ----------------------------------------------------------------------------------------------------

def test_api_write_on_an_approved_entry_is_a_conflict(client, users, approved_entry):
    client.force_login(users.approver)
    before = snapshot(approved_entry)
    url = f"/api/v1/network/entries/{approved_entry.pk}/"
    etag = client.get(url)["ETag"]  # a write names the version it read (If-Match)
    resp = client.patch(url, {"capacity": 999}, content_type="application/json", HTTP_IF_MATCH=etag)
    assert resp.status_code == 409
    assert resp.json()["detail"] == "Schválený záznam nelze měnit ani mazat; změna vytvoří jeho novou verzi."
    assert client.delete(url, HTTP_IF_MATCH=etag).status_code == 409
    resp = client.post("/api/v1/network/entries/", {
        "network": approved_entry.network_id, "service": approved_entry.service_id, "tier": approved_entry.tier_id,
        "capacity": 1, "fte": "1.00"}, content_type="application/json")
    assert resp.status_code == 409
    assert snapshot(approved_entry) == before


def test_api_write_on_a_draft_entry_works_and_is_scoped(client, users, draft):
    e = draft.entries[0]
    url = f"/api/v1/network/entries/{e.pk}/"
    client.force_login(users.orp_blansko)
    assert client.patch(url, {"capacity": 77}, content_type="application/json").status_code == 403
    client.force_login(users.officer)
    resp = client.patch(url, {"capacity": 77}, content_type="application/json", HTTP_IF_MATCH=client.get(url)["ETag"])
    assert resp.status_code == 200 and resp.json()["capacity"] == 77
    e.refresh_from_db()
    assert e.capacity == 77 and e.history.first().history_user == users.officer


# --- admin --------------------------------------------------------------------------------------------------

def test_admin_shows_approved_entries_read_only_and_refuses_changes(client, users, approved_entry, draft):
    client.force_login(users.superuser)
    before = snapshot(approved_entry)
    url = reverse("admin:network_networkentry_change", args=[approved_entry.pk])
    resp = client.get(url)
    assert resp.status_code == 200 and 'name="_save"' not in resp.content.decode()
    resp = client.post(url, {"tier": approved_entry.tier_id, "status": "existing", "capacity": 999, "fte": "1"})
    assert resp.status_code == 403
    assert client.post(reverse("admin:network_networkentry_delete", args=[approved_entry.pk]),
                       {"post": "yes"}).status_code == 403
    v_url = reverse("admin:network_networkversion_change", args=[approved_entry.network_id])
    assert 'name="_save"' not in client.get(v_url).content.decode()
    assert client.post(v_url, {"title": "x"}).status_code == 403
    assert snapshot(approved_entry) == before
    # a draft entry is read-only in the admin too: the network pages and API edit it through the services
    draft_url = reverse("admin:network_networkentry_change", args=[draft.entries[0].pk])
    assert 'name="_save"' not in client.get(draft_url).content.decode()
    assert client.post(draft_url, {"tier": approved_entry.tier_id, "capacity": 5}).status_code == 403


def test_service_level_amendment_keeps_the_original(users, demo):
    a = services.network_amendment_create(actor=users.officer, network=demo.v25_2, reason="Test")
    e = a.entries.order_by("pk").first()
    before = e.capacity
    services.network_entry_update(actor=users.officer, entry=e, data={"capacity": before + 1})
    original = demo.v25_2.entries.get(service=e.service_id, form=e.form_id, orp=e.orp_id)
    assert original.capacity == before and a.entries.get(pk=e.pk).capacity == before + 1
