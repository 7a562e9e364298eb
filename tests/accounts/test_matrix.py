"""Authorization matrix: every write endpoint and edit page × every seat × objects in and out of scope.

Endpoints are discovered from the URL resolver (tests/accounts/_matrix.py), so pages and API routes added
by later modules are covered automatically. The expected answer for a seat and an object is the scope
layer's (`can`, itself tested against hand-written expectations in test_scope.py); this test proves every
page and endpoint enforces it: allowed → the page/endpoint does its work (or answers a validation error),
denied → 401/403/404 or the login page, and a denied write changes nothing in the database.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from socplan.accounts.decisions import may_decide
from socplan.accounts.permissions import action_for_method, has_role, lookup_observers
from socplan.accounts.scope import can, can_any, model_scope, restrict

from ._matrix import discover, edit_form_data, url_kwargs
from .conftest import SEATS

pytestmark = pytest.mark.django_db

ENDPOINTS = discover()
SCOPED = [e for e in ENDPOINTS if e.scope_model is not None and model_scope(e.scope_model) is not None]
UNSCOPED = [e for e in ENDPOINTS if e not in SCOPED]
# Whose rows to try each endpoint on: up to three objects from different scopes (own / other / other kraj).
SAMPLE_SEATS = [("provider_a", "change"), ("provider_b", "change"), ("orp_blansko", "change"),
                ("orp_znojmo", "view_private"), ("officer_zlk", "change"), ("officer_zlk", "view_private"),
                ("region_admin", "change")]
DENIED = {401, 403, 404}


_FINGERPRINT_SQL = None


def fingerprint():
    """Row counts of every audited model's history table and of every scoped model's table, in one query:
    any write (every domain model keeps history) shows up here."""
    global _FINGERPRINT_SQL
    from django.db import connection

    if _FINGERPRINT_SQL is None:
        tables = set(connection.introspection.table_names())
        names = sorted({m._meta.db_table for m in apps.get_models()
                        if m._meta.db_table in tables  # skip a module whose migration is still being written
                        and (m.__name__.startswith("Historical") or model_scope(m) is not None)})
        qn = connection.ops.quote_name
        _FINGERPRINT_SQL = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {qn(t)})" for t in names)
    with connection.cursor() as cursor:
        cursor.execute(_FINGERPRINT_SQL)
        return cursor.fetchone()


def samples(model, users):
    picked = []
    for seat, action in SAMPLE_SEATS:
        obj = restrict(model._default_manager.order_by("pk"), getattr(users, seat), action).first()
        if obj is not None and obj not in picked:
            picked.append(obj)
        if len(picked) == 3:
            break
    return picked


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def is_denied(response) -> bool:
    if response.status_code in DENIED:
        return True
    return response.status_code == 302 and reverse("login") in response.get("Location", "")


def test_discovery_finds_write_endpoints():
    names = {str(e) for e in ENDPOINTS}
    assert {"api:accounts-roleassignment-list", "api:accounts-roleassignment-detail"} <= names
    assert any(e.kind == "page" for e in SCOPED), "no edit page found"
    for e in SCOPED:
        assert e.url_model is not None, e


DEFAULT_KWARGS = {"year": timezone.localdate().year, "fmt": "pdf", "code": "CZ064"}
SCOPE_SELECTS = ("region", "district", "orp", "provider", "service", "plan", "municipality")


def page_path(endpoint, obj):
    kwargs = url_kwargs(endpoint, obj)
    if kwargs is None:
        extra = {n: DEFAULT_KWARGS[n] for n in endpoint.kwarg_names if n in DEFAULT_KWARGS}
        kwargs = url_kwargs(replace(endpoint, kwarg_names=[n for n in endpoint.kwarg_names if n not in extra]), obj)
        if kwargs is None:
            return None
        kwargs.update(extra)
    return reverse(endpoint.name, kwargs=kwargs)


def observed_get(client, path):
    """GET `path`, noting which models the view looked its object up in (permissions.lookup_observers)."""
    seen = []

    def observer(model, lookup):
        seen.append(model)

    lookup_observers.append(observer)
    try:
        response = client.get(path)
    finally:
        lookup_observers.remove(observer)
    return response, seen


def _fk_parents(model, depth=3):
    out = []
    frontier = [model]
    for _ in range(depth):
        nxt = []
        for m in frontier:
            for f in m._meta.concrete_fields:
                if f.many_to_one and model_scope(f.related_model) is not None and f.related_model not in out:
                    out.append(f.related_model)
                    nxt.append(f.related_model)
        frontier = nxt
    return out


def url_model_of(endpoint, users, superuser):
    """The model whose row the URL addresses: declared, or learnt by watching the view's lookup."""
    if getattr(endpoint.callback, "scope_url_model", None) is not None:
        return endpoint.callback.scope_url_model
    candidates = []
    for m in [endpoint.url_model, endpoint.scope_model, *_fk_parents(endpoint.scope_model)]:
        if m is not None and m not in candidates:
            candidates.append(m)
    for model in candidates:
        objs = samples(model, users)
        if not objs:
            continue
        path = page_path(endpoint, objs[0])
        if path is None:
            continue
        response, seen = observed_get(superuser, path)
        if seen:
            return seen[0]
        if response.status_code == 200:
            return model
    return endpoint.url_model


def targets(endpoint, users, superuser):
    """(object, path, GET status for the superuser, POST data) for sample objects the superuser can edit."""
    model = url_model_of(endpoint, users, superuser)
    out = []
    for obj in samples(model, users):
        path = page_path(endpoint, obj)
        assert path is not None, f"{endpoint}: cannot build its URL from {obj!r}; set scope_url_kwargs on the view"
        response = superuser.get(path)
        if is_denied(response) or (response.status_code >= 400 and response.status_code != 405):
            continue  # not applicable to this row's state (e.g. an approved record) — even for a superuser
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            data = edit_form_data(response.content.decode(), path)
        else:
            data = {}
        with transaction.atomic():
            post_status = superuser.post(path, data or {}).status_code
            transaction.set_rollback(True)
        if post_status in DENIED or post_status == 409:
            data = None  # the row's state refuses any write (e.g. approved): nothing to learn from a POST
        out.append((obj, path, response.status_code, data, post_status))
    return model, out


def allowed(endpoint, user, obj) -> bool:
    roles = getattr(endpoint.callback, "scope_roles", None)
    return (can(user, endpoint.action, subject(endpoint, obj))
            and can_any(user, endpoint.action, endpoint.scope_model)
            and (roles is None or has_role(user, roles)))


def subject(endpoint, obj):
    """What the page acts on: `obj` itself, or a new child of it (a comment on a request, a section of a
    plan) when the view's model points to the URL's object."""
    model = endpoint.scope_model
    if model is None or isinstance(obj, model):
        return obj
    for f in model._meta.concrete_fields:
        if f.many_to_one and isinstance(obj, f.related_model):
            return model(**{f.name: obj})
    return obj


def check_post(client, path, data, expected, ctx, superuser_status):
    """POST the form. Allowed: not refused for permission. Denied: 401/403/404/login — or, when the data is
    invalid even for a superuser (400), an equally uninformative 400 — and in every case nothing written."""
    with transaction.atomic():
        before = fingerprint()
        response = client.post(path, data)
        if expected:
            assert not is_denied(response), ctx + ("POST", response.status_code)
        else:
            uninformative = superuser_status == 400 and response.status_code == 400
            assert is_denied(response) or uninformative, ctx + ("POST", response.status_code)
            assert fingerprint() == before, ctx + ("denied POST wrote data",)
        transaction.set_rollback(True)


@pytest.mark.parametrize("endpoint", [e for e in SCOPED if e.kind == "page" and e.kwarg_names], ids=str)
def test_edit_pages(endpoint, users, world):
    superuser = client_for(users.superuser)
    clients = {seat: client_for(getattr(users, seat)) for seat in SEATS}
    model, cases = targets(endpoint, users, superuser)
    if not cases:
        pytest.skip(f"{endpoint}: no {model.__name__ if model else '?'} row in the test data that even a "
                    "superuser may use it on (none, or all refused by their state, e.g. approved)")
    outcomes = set()
    for obj, path, get_status, data, superuser_status in cases:
        for seat in SEATS:
            user = getattr(users, seat)
            expected = allowed(endpoint, user, obj)
            outcomes.add(expected)
            ctx = (endpoint.name, seat, f"{type(obj).__name__} {obj.pk}")
            if get_status != 405:
                response = clients[seat].get(path)
                assert is_denied(response) != expected, ctx + ("GET", response.status_code)
            if data is not None:
                check_post(clients[seat], path, data, expected, ctx, superuser_status)
    assert outcomes == {True, False}, f"{endpoint}: the matrix must contain allowed and denied cases"


def _variants(data: dict, html: str) -> list[dict]:
    """The form data with the first scope-relevant select set to a few of its options (Blansko, Znojmo, …)."""
    import re

    for name in data:
        if name.split("-")[-1] in SCOPE_SELECTS:
            block = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
            values = re.findall(r'<option[^>]*value="([^"]+)"', block.group(1)) if block else []
            picked = values[:2] + values[-1:] if len(values) > 3 else values
            return [{**data, name: [v]} for v in dict.fromkeys(picked)] or [data]
    return [data]


def _bulk_action(endpoint) -> bool:
    from socplan.core.generic import BulkActionView

    view_class = getattr(endpoint.callback, "view_class", None)
    return view_class is not None and issubclass(view_class, BulkActionView)


# Bulk actions are POST-only and act on rows ticked in a list; their per-row scope is tested once for every
# model in tests/core/test_generic_views.py (the rows a user may not act on are reported, not touched).
@pytest.mark.parametrize("endpoint", [e for e in SCOPED if e.kind == "page" and not e.kwarg_names
                                      and not _bulk_action(e)], ids=str)
def test_create_pages(endpoint, users, world):
    """Create pages without an object in the URL: who may open them, and nobody creates outside their scope."""
    superuser = client_for(users.superuser)
    path = reverse(endpoint.name)
    page = superuser.get(path)
    assert page.status_code == 200, (endpoint, page.status_code)
    html = page.content.decode()
    data = edit_form_data(html, path) or {}
    model = endpoint.scope_model
    outcomes = set()
    for seat in SEATS:
        user = getattr(users, seat)
        roles = getattr(endpoint.callback, "scope_roles", None)
        expected = can_any(user, endpoint.action, model) and (roles is None or has_role(user, roles))
        outcomes.add(expected)
        client = client_for(user)
        response = client.get(path)
        assert is_denied(response) != expected, (endpoint.name, seat, "GET", response.status_code)
        for variant in _variants(data, html):
            with transaction.atomic():
                before_pks = set(model._default_manager.values_list("pk", flat=True))
                before = fingerprint()
                response = client.post(path, variant)
                created = model._default_manager.exclude(pk__in=before_pks)
                if not expected:
                    assert is_denied(response), (endpoint.name, seat, "POST", response.status_code)
                    assert fingerprint() == before, (endpoint.name, seat, "denied POST wrote data")
                for row in created:
                    assert can(user, "change", row), (endpoint.name, seat, "created outside its scope", row)
                transaction.set_rollback(True)
    assert outcomes == {True, False}, f"{endpoint}: the matrix must contain allowed and denied cases"


def _writable_payload(superuser, detail_name, obj, lookup_field):
    representation = superuser.get(reverse(detail_name, kwargs={lookup_field: getattr(obj, lookup_field)}))
    assert representation.status_code == 200, representation.status_code
    return representation.json()


def _mutate(payload: dict) -> dict:
    out = dict(payload)
    for key in ("note", "name", "web", "description"):
        if key in out and isinstance(out[key], str):
            out[key] = out[key] + " (matrix)"
            return {key: out[key]}
    return {}


def _api_attempt(client, endpoint, method, obj, payload):
    """One API write inside a savepoint that is rolled back. Returns (response, rows changed?)."""
    with transaction.atomic():
        if endpoint.kwarg_names:
            path = reverse(endpoint.name, kwargs=url_kwargs(endpoint, obj))
            body = _mutate(payload) if method in ("patch", "put") else None
            if method == "put":
                body = {**payload, **(body or {})}
        else:  # create: the sample row is removed first so that re-creating it is valid
            path = reverse(endpoint.name)
            type(obj)._default_manager.filter(pk=obj.pk).delete()
            body = {k: v for k, v in payload.items() if k not in ("id", "pk")}
        before = fingerprint()
        headers = {}
        stored = type(obj)._default_manager.filter(pk=obj.pk).first()
        if endpoint.kwarg_names and stored is not None and hasattr(stored, "version"):
            headers["HTTP_IF_MATCH"] = f'"{stored.version}"'  # a write names the version it read
        response = getattr(client, method)(path, data=json.dumps(body) if body is not None else None,
                                           content_type="application/json", **headers)
        changed = fingerprint() != before
        transaction.set_rollback(True)
    return response, changed


@pytest.mark.parametrize("endpoint", [e for e in SCOPED if e.kind == "api"], ids=str)
def test_api_writes(endpoint, users, world):
    superuser = client_for(users.superuser)
    clients = {seat: client_for(getattr(users, seat)) for seat in SEATS}
    outcomes = set()
    detail_name = endpoint.name.rsplit("-", 1)[0] + "-detail"
    lookup = "pk" if endpoint.lookup_field == "pk" else endpoint.lookup_field
    for obj in samples(endpoint.url_model, users):
        payload = _writable_payload(superuser, detail_name, obj, lookup)
        for method in sorted(endpoint.methods):
            probe, _ = _api_attempt(superuser, endpoint, method, obj, payload)
            if probe.status_code >= 400 and probe.status_code != 400:
                continue  # the row's state refuses this write even for a superuser (e.g. approved: 409)
            action = action_for_method(method.upper())
            for seat in SEATS:
                user = getattr(users, seat)
                # a decision (approve, decide, …) follows the decision table, other writes the scope layer
                expected = may_decide(user, endpoint.decision, obj) if endpoint.decision else can(user, action, obj)
                outcomes.add(expected)
                response, changed = _api_attempt(clients[seat], endpoint, method, obj, payload)
                ctx = (endpoint.name, method, seat, str(obj), response.status_code, response.content[:300])
                if expected:
                    assert response.status_code not in DENIED and response.status_code < 500, ctx
                else:
                    uninformative = probe.status_code == 400 and response.status_code == 400
                    assert response.status_code in DENIED or uninformative, ctx
                    assert not changed, ctx + ("denied write changed data",)
    if not outcomes:
        pytest.skip(f"{endpoint}: no sample row accepts writes (state)")
    assert outcomes == {True, False}, f"{endpoint}: the matrix must contain allowed and denied cases"


@pytest.mark.parametrize("endpoint", UNSCOPED or [None], ids=str)
def test_unscoped_write_endpoints_refuse_anonymous_writes(endpoint):
    """Write endpoints not tied to a scoped model (none expected): at least anonymous users cannot write."""
    if endpoint is None:
        return
    if endpoint.kwarg_names:
        pytest.fail(f"{endpoint}: a write endpoint with URL arguments but no scoped model; declare SCOPE")
    before = fingerprint()
    response = Client().post(reverse(endpoint.name), {})
    assert is_denied(response) or response.status_code == 405, (endpoint, response.status_code)
    assert fingerprint() == before
