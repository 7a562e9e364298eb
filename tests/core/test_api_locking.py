"""No lost update through the API: a write to a versioned record needs its ETag in If-Match; a stale one is 412,
a missing one 428, and nothing is written. Every writable API viewset carries the precondition."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import get_resolver

from socplan.core.api_locking import PreconditionFailed, VersionPreconditionMixin, _check_on_save, _expected
from socplan.core.services import has_version
from socplan.network.models import NetworkEntry, NetworkVersion
from tests.factories import NetworkEntryFactory, officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry_and_client():
    entry = NetworkEntryFactory()
    client = Client()
    client.force_login(officer())
    return entry, client, f"/api/v1/network/entries/{entry.pk}/"


def test_detail_carries_the_etag(entry_and_client):
    entry, client, url = entry_and_client
    response = client.get(url)
    assert response.status_code == 200 and response["ETag"] == f'"{entry.version}"'


def test_stale_put_is_412_and_writes_nothing(entry_and_client):
    entry, client, url = entry_and_client
    etag = client.get(url)["ETag"]
    first = client.patch(url, {"capacity": entry.capacity + 1}, content_type="application/json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200, first.content
    assert first["ETag"] != etag and first["ETag"] == f'"{NetworkEntry.objects.get(pk=entry.pk).version}"'
    stored = NetworkEntry.objects.get(pk=entry.pk)
    # the second client still holds the first ETag
    stale = client.patch(url, {"capacity": 1}, content_type="application/json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412 and stale["ETag"] == first["ETag"]
    assert "mezitím změnil" in stale.json()["detail"]
    assert stale_unchanged(stored)
    assert client.delete(url, HTTP_IF_MATCH=etag).status_code == 412
    assert stale_unchanged(stored)
    # with the current ETag the write goes through
    assert client.patch(url, {"capacity": 2}, content_type="application/json",
                        HTTP_IF_MATCH=first["ETag"]).status_code == 200
    assert NetworkEntry.objects.get(pk=entry.pk).capacity == 2


def stale_unchanged(stored) -> bool:
    now = NetworkEntry.objects.get(pk=stored.pk)
    return (now.capacity, now.version) == (stored.capacity, stored.version)


def test_missing_if_match_is_428(entry_and_client):
    entry, client, url = entry_and_client
    before = NetworkEntry.objects.get(pk=entry.pk)
    assert client.patch(url, {"capacity": 1}, content_type="application/json").status_code == 428
    assert client.delete(url).status_code == 428
    assert stale_unchanged(before)
    # a weak ETag and a list are understood; '*' is a deliberate overwrite
    assert client.patch(url, {"capacity": 3}, content_type="application/json",
                        HTTP_IF_MATCH=f'"999", W/"{before.version}"').status_code == 200
    assert client.patch(url, {"capacity": 4}, content_type="application/json", HTTP_IF_MATCH="*").status_code == 200


def test_the_check_inside_the_transaction_refuses_a_write_in_between(entry_and_client):
    """Two clients pass the early check with the same ETag; the second save finds the row moved and is refused."""
    entry, _, _ = entry_and_client
    token = _expected.set({(NetworkEntry._meta.label, entry.pk): entry.version})
    try:
        NetworkEntry.objects.filter(pk=entry.pk).update(version=entry.version + 1)  # the other client's write
        with pytest.raises(PreconditionFailed):
            _check_on_save(NetworkEntry, entry)
    finally:
        _expected.reset(token)


def _viewsets():
    out = []

    def walk(patterns):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns)
            else:
                cls = getattr(p.callback, "cls", None)
                if cls is not None:
                    out.append((str(p.pattern), cls, getattr(p.callback, "actions", None) or {}))

    walk(get_resolver().url_patterns)
    return out


def test_every_api_write_to_a_versioned_record_has_the_precondition():
    missing = []
    for pattern, cls, actions in _viewsets():
        queryset = getattr(cls, "queryset", None)
        model = getattr(queryset, "model", None)
        if model is None or not has_version(model):
            continue
        writes = {m for m in actions if m in ("put", "patch", "delete", "post")}
        if writes and not issubclass(cls, VersionPreconditionMixin):
            missing.append(f"{pattern} {cls.__name__}")
    assert missing == []


def test_a_post_action_needs_the_version_it_read():
    """Approving a record through the API names the version the client read: without If-Match 428, with a stale
    one 412 – nothing is approved either way; with the current one the approval goes through."""
    version = NetworkEntryFactory().network
    client = Client()
    client.force_login(officer(can_approve=True, username="api-locking-approver"))
    url = f"/api/v1/network/versions/{version.pk}/approve/"
    body = {"decision_ref": "RK 1/2031", "confirm": True, "reason": "test"}
    etag = client.get(f"/api/v1/network/versions/{version.pk}/")["ETag"]
    assert client.post(url, body, content_type="application/json").status_code == 428
    NetworkVersion.objects.filter(pk=version.pk).update(version=version.version + 1)  # someone edited it meanwhile
    stale = client.post(url, body, content_type="application/json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412 and stale["ETag"] == f'"{version.version + 1}"'
    assert NetworkVersion.objects.get(pk=version.pk).approved_at is None
    done = client.post(url, body, content_type="application/json", HTTP_IF_MATCH=stale["ETag"])
    assert done.status_code == 200, done.content
    assert NetworkVersion.objects.get(pk=version.pk).approved_at is not None


def test_the_schema_requires_if_match_on_every_action_on_a_versioned_record():
    schema = Client().get("/api/v1/schema/?format=json").json()
    actions = {(path, method): op for path, ops in schema["paths"].items() for method, op in ops.items()
               if method == "post" and "{" in path}
    approve = actions[("/api/v1/network/versions/{id}/approve/", "post")]
    assert [(p["in"], p["required"]) for p in approve["parameters"] if p["name"] == "If-Match"] == [("header", True)]
    without = [f"{path} {method}" for (path, method), op in actions.items()
               if "412" in op["responses"] and "428" not in op["responses"]]
    assert without == []
    assert "428" in approve["responses"]
