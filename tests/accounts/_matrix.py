"""Discovery of write endpoints and edit pages for the authorization-matrix test.

Found automatically from the URL resolver, so modules added later are covered without touching the test:
- pages whose view is marked (`scoped_write = True`, set by `scoped_view(...)` and
  `ScopedPermissionRequiredMixin` on form views) or whose URL name ends in _edit/_create/_delete/_update/
  _approve/_add;
- DRF routes whose viewset maps a non-GET method (create/update/partial_update/destroy/custom actions) or
  whose APIView class implements post/put/patch/delete.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from socplan.accounts.permissions import WRITE_NAME_SUFFIXES
from socplan.accounts.scope import model_scope

SKIP_NAMESPACES = {"admin"}
SKIP_NAMES = {"login", "logout", "password_change", "password_change_done", "set_language", "api-schema",
              "api-docs"}
WRITE_METHODS = {"post", "put", "patch", "delete"}


@dataclass
class Endpoint:
    kind: str  # "page" or "api"
    name: str  # namespaced URL name
    route: str
    callback: object
    kwarg_names: list[str]
    methods: set[str] = field(default_factory=set)  # for api: write methods; for pages: {"get", "post"}
    scope_model: type | None = None
    url_model: type | None = None
    action: str = "change"
    lookup_field: str = "pk"
    decision: str | None = None  # an API action taking a decision (socplan.accounts.decisions): its kind

    def __str__(self):
        return f"{self.kind}:{self.name}"


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p, namespace


def _model_of_api(cls):
    qs = getattr(cls, "queryset", None)
    if qs is not None:
        return qs.model
    serializer = getattr(cls, "serializer_class", None)
    return getattr(getattr(serializer, "Meta", None), "model", None)


def _guess_url_model(name: str, scope_model):
    """`service_year_edit` → registry.Service: the scoped model whose name is the longest leading run of
    the URL name's words; otherwise the view's own model."""
    short = name.rsplit(":", 1)[-1]
    words = short.split("_")
    by_name = {}
    for m in apps.get_models():
        if model_scope(m) is not None:
            by_name.setdefault(m._meta.model_name, m)
    app = getattr(scope_model, "_meta", None) and scope_model._meta.app_label
    for n in range(len(words), 0, -1):
        candidate = "".join(words[:n])
        model = by_name.get(candidate)
        if model is not None and (app is None or model._meta.app_label == app):
            return model
    return scope_model


def discover() -> list[Endpoint]:
    found = []
    for route, pattern, namespace in _walk(get_resolver().url_patterns):
        name = pattern.name or ""
        if namespace and namespace.split(":")[0] in SKIP_NAMESPACES:
            continue
        if name in SKIP_NAMES:
            continue
        full_name = f"{namespace}:{name}" if namespace else name
        cb = pattern.callback
        kwarg_names = list(getattr(pattern.pattern, "converters", {}) or pattern.pattern.regex.groupindex)
        cls = getattr(cb, "cls", None)
        if cls is not None:  # DRF
            actions = getattr(cb, "actions", None)
            if actions is not None:
                methods = {m for m in actions if m in WRITE_METHODS}
            else:
                methods = {m for m in WRITE_METHODS if hasattr(cls, m)}
            if not methods:
                continue
            model = _model_of_api(cls)
            found.append(Endpoint("api", full_name, route, cb, kwarg_names, methods, model, model,
                                  lookup_field=getattr(cls, "lookup_field", "pk"),
                                  decision=(getattr(cb, "initkwargs", None) or {}).get("decision_kind")))
            continue
        marked = getattr(cb, "scoped_write", False)
        if not marked and not name.endswith(WRITE_NAME_SUFFIXES):
            continue
        view_class = getattr(cb, "view_class", None)
        model = getattr(cb, "scope_model", None) or getattr(view_class, "model", None)
        url_model = getattr(cb, "scope_url_model", None) or _guess_url_model(full_name, model)
        found.append(Endpoint("page", full_name, route, cb, kwarg_names, {"get", "post"}, model, url_model,
                              getattr(cb, "scope_action", "change")))
    return found


def _ancestor(obj, model, depth=4):
    """The `model` instance `obj` points to through foreign keys (breadth-first), or None."""
    frontier = [obj]
    for _ in range(depth):
        nxt = []
        for o in frontier:
            for f in o._meta.concrete_fields:
                if f.many_to_one:
                    value = getattr(o, f.name, None)
                    if isinstance(value, model):
                        return value
                    if value is not None:
                        nxt.append(value)
        frontier = nxt
    return None


def url_kwargs(endpoint: Endpoint, obj) -> dict | None:
    """Kwargs that put `obj` into the endpoint's URL, or None if they cannot be derived.

    A view may define ``scope_url_kwargs(obj) -> dict``. Otherwise: ``pk``/``id`` is the object's key — or,
    when another kwarg names the object's own model (``…/<pk>/stupnice/<scale>/``), the key of the view's
    model found above it; a kwarg named like an attribute or a related model of the object takes its value.
    """
    custom = getattr(endpoint.callback, "scope_url_kwargs", None)
    if custom is not None:
        return custom(obj)
    own = obj._meta.model_name
    names = endpoint.kwarg_names
    out = {}
    for name in names:
        if name in ("pk", "id"):
            if own in names and endpoint.scope_model is not None and not isinstance(obj, endpoint.scope_model):
                parent = _ancestor(obj, endpoint.scope_model)
                if parent is None:
                    return None
                out[name] = parent.pk
            else:
                out[name] = obj.pk
        elif name == own:
            out[name] = obj.pk
        elif endpoint.kind == "api" and name == endpoint.lookup_field:
            out[name] = getattr(obj, endpoint.lookup_field)
        elif hasattr(obj, name):
            value = getattr(obj, name)
            out[name] = getattr(value, "pk", value)
        else:
            related = _related_named(obj, name)
            if related is None:
                return None
            out[name] = related.pk
    return out


def _related_named(obj, name: str, depth: int = 2):
    """A row related to `obj` (up or down, `depth` hops) whose model or field name starts with `name`
    (``ind`` → the object's indicator, ``scale`` → a scale of the methodology's first indicator)."""
    frontier = [obj]
    for _ in range(depth):
        nxt = []
        for o in frontier:
            for f in o._meta.get_fields():
                if not f.is_relation or f.related_model is None:
                    continue
                label = (f.name, f.related_model._meta.model_name)
                if f.many_to_one or (f.one_to_one and f.concrete):
                    value = getattr(o, f.name, None)
                    candidates = [value] if value is not None else []
                elif f.one_to_many or f.many_to_many:
                    if o.pk is None:
                        continue
                    accessor = f.name if f.concrete else f.get_accessor_name()
                    candidates = list(getattr(o, accessor).all()[:1])
                else:
                    continue
                if any(x.startswith(name) for x in label) and candidates:
                    return candidates[0]
                nxt.extend(candidates)
        frontier = nxt
    return None


# --- HTML forms ----------------------------------------------------------------------------------------------

class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action") or "",
                          "fields": [], "enctype": a.get("enctype", "")}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "image", "file"):
                if kind == "submit" and not any(f[2] == "submit" for f in self._form["fields"]):
                    self._form["fields"].append((a["name"], a.get("value", ""), "submit"))
                return
            self._form["fields"].append((a["name"], a.get("value", ""), kind))
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "value": None, "first": None}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["value"] = value
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
        elif tag == "button" and a.get("name") and (a.get("type") or "submit") == "submit":
            if not any(f[2] == "submit" for f in self._form["fields"]):
                self._form["fields"].append((a["name"], a.get("value", ""), "submit"))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            s = self._select
            value = s["value"] if s["value"] is not None else (s["first"] or "")
            if self._form is not None:
                self._form["fields"].append((s["name"], value, "select"))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            if self._form is not None:
                self._form["fields"].append((self._textarea[0], self._textarea[1], "textarea"))
            self._textarea = None


def edit_form_data(html: str, path: str) -> dict | None:
    """The POST data of the page's edit form (not the header's logout/language forms), with one text value
    changed so that a write that should have been refused would be visible."""
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        if form["method"] != "post" or form["action"] not in ("", path, "."):
            continue
        data: dict[str, list[str]] = {}
        changed = False
        for name, value, kind in form["fields"]:
            if (not changed and kind in ("text", "textarea", "email", "url") and name not in ("csrfmiddlewaretoken",)
                    and "version" not in name):
                value = (value or "") + " (matrix)"
                changed = True
            data.setdefault(name, []).append(value)
        return data
    return None
