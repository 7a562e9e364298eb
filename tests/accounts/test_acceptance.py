"""Acceptance cases of issue 4:

- the ORP coordinator of Blansko cannot change anything of Znojmo (scope layer, every scoped model, every
  write page and API endpoint found in the URL configuration);
- a provider cannot read another provider's economics through any API endpoint or page.
"""

from __future__ import annotations

import re
from functools import reduce
from operator import or_

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from socplan.accounts.scope import _unit_q, can, model_scope, restrict, scoped_models
from socplan.registry.models import Service

from ._matrix import _walk, discover
from .test_matrix import fingerprint, is_denied, page_path

pytestmark = pytest.mark.django_db


def znojmo_q(model, territory, world):
    """Rows "of Znojmo": in ORP Znojmo or okres Znojmo, or of the Znojmo provider B."""
    scope = model_scope(model)
    parts = [_unit_q(scope, "orp", territory.orp_znojmo.pk),
             _unit_q(scope, "district", territory.znojmo_district.pk),
             _unit_q(scope, "provider", world.provider_b.pk)]
    parts = [p for p in parts if p is not None]
    return reduce(or_, parts) if parts else None


def test_orp_blansko_cannot_change_anything_of_znojmo_in_the_scope_layer(users, territory, world):
    user = users.orp_blansko
    checked = 0
    for model in scoped_models():
        q = znojmo_q(model, territory, world)
        if q is None:
            continue
        rows = model._default_manager.filter(pk__in=model._default_manager.filter(q).values("pk"))
        assert not restrict(rows, user, "change").exists(), model
        assert not restrict(rows, user, "approve").exists(), model
        for obj in rows[:50]:
            for action in ("change", "delete", "approve"):
                assert not can(user, action, obj), (model.__name__, obj.pk, action)
                assert not user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}", obj)
            checked += 1
    assert checked >= 3  # at least service B, its staffing and economics


def test_orp_blansko_can_change_its_own_orp_where_coordinators_edit(users, territory, world, monkeypatch):
    """Positive control: with coordinators as editors, Blansko's rows are changeable and Znojmo's are not."""
    monkeypatch.setattr(Service, "SCOPE", {**Service.SCOPE, "edit_roles": ("region_admin", "orp_coordinator")})
    user = users.orp_blansko
    assert can(user, "change", world.service_a) and not can(user, "change", world.service_b)
    changeable = restrict(Service.objects.filter(provider__in=[world.provider_a, world.provider_b]), user, "change")
    assert list(changeable) == [world.service_a]


def test_orp_blansko_cannot_write_znojmo_through_any_page_or_api(users, territory, world):
    user = users.orp_blansko
    client = Client()
    client.force_login(user)
    tried = 0
    for endpoint in discover():
        if endpoint.scope_model is None or not endpoint.kwarg_names:
            continue
        models = [endpoint.url_model, endpoint.scope_model]
        for model in dict.fromkeys(m for m in models if m is not None and model_scope(m) is not None):
            q = znojmo_q(model, territory, world)
            if q is None:
                continue
            for obj in model._default_manager.filter(q).distinct().order_by("pk")[:2]:
                path = page_path(endpoint, obj) if endpoint.kind == "page" else None
                if endpoint.kind == "api":
                    lookup = endpoint.lookup_field
                    name = endpoint.kwarg_names[0]
                    path = reverse(endpoint.name, kwargs={name: getattr(obj, lookup if lookup != "pk" else "pk")})
                if path is None:
                    continue
                methods = ["post"] if endpoint.kind == "page" else sorted(endpoint.methods)
                for method in methods:
                    with transaction.atomic():
                        before = fingerprint()
                        kwargs = {"content_type": "application/json", "data": "{}"} if endpoint.kind == "api" else {}
                        if endpoint.kind == "api" and getattr(obj, "version", None) is not None:
                            kwargs["HTTP_IF_MATCH"] = f'"{obj.version}"'  # a write names the version it read
                        response = getattr(client, method)(path, **kwargs)
                        if not can(user, endpoint.action if endpoint.kind == "page" else "change", obj):
                            # refused: for permission (401/403/404/login), or the empty form (400), method, state
                            assert is_denied(response) or response.status_code in (400, 405, 409), \
                                (endpoint.name, method, path, response.status_code)
                            assert fingerprint() == before, (endpoint.name, method, path, "wrote data")
                            tried += 1
                        transaction.set_rollback(True)
    assert tried >= 3, "no write endpoint was tried on Znojmo rows"


# --- provider privacy ---------------------------------------------------------------------------------------

SECRET = "918273645"  # provider B's personnel costs (tests/accounts/conftest.py)


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _plain(content: bytes) -> str:
    text = content.decode("utf-8", "replace")
    return re.sub(r"[\s\xa0\u202f.,]", "", text)


def get_urls(world):
    """Every GET page and API URL that can be built for provider B's rows, plus every list without arguments."""
    objs = [world.service_b, world.provider_b, world.staffing[world.service_b.pk], world.economics[world.service_b.pk]]
    urls = set()
    for _route, pattern, namespace in _walk(get_resolver().url_patterns):
        if not isinstance(pattern, URLPattern) or not pattern.name or (namespace or "").startswith("admin"):
            continue
        name = f"{namespace}:{pattern.name}" if namespace else pattern.name
        kwarg_names = list(getattr(pattern.pattern, "converters", {}) or pattern.pattern.regex.groupindex)
        if "format" in kwarg_names:
            continue
        if not kwarg_names:
            try:
                urls.add(reverse(name))
            except Exception:  # noqa: BLE001 - patterns that need arguments we cannot guess
                pass
            continue
        for obj in objs:
            kwargs = {}
            for k in kwarg_names:
                if k in ("pk", "id"):
                    kwargs[k] = obj.pk
                elif hasattr(obj, k):
                    kwargs[k] = getattr(obj, k)
                else:
                    break
            else:
                try:
                    urls.add(reverse(name, kwargs=kwargs))
                except Exception:  # noqa: BLE001
                    pass
    return sorted(u for u in urls if not u.startswith(("/ucet/logout", "/i18n/")))


def test_provider_cannot_read_another_providers_economics_anywhere(users, world):
    urls = get_urls(world)
    assert any(u.startswith("/api/v1/") for u in urls) and any(not u.startswith("/api/") for u in urls)
    a, b = Client(), Client()
    a.force_login(users.provider_a)
    b.force_login(users.provider_b)
    leaks, shown_to_owner = [], []
    for url in urls:
        for client, bucket in ((a, leaks), (b, shown_to_owner)):
            response = client.get(url)
            if response.status_code == 200 and SECRET in _plain(_body(response)):
                bucket.append(url)
        # API lists: every page of results, filtered to provider B's services where the API allows it.
    for url in ["/api/v1/services/?provider=" + world.provider_b.ico, f"/api/v1/services/{world.service_b.pk}/"]:
        if SECRET in _plain(_body(b.get(url))):
            shown_to_owner.append(url)
        if SECRET in _plain(_body(a.get(url))):
            leaks.append(url)
    assert leaks == [], f"provider A sees provider B's economics at {leaks}"
    # The scan is not vacuous: provider B itself sees its economics on some page and through the API.
    assert any(u.startswith("/api/") for u in shown_to_owner), shown_to_owner
    assert any(not u.startswith("/api/") for u in shown_to_owner), shown_to_owner
