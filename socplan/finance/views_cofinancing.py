"""Co-financing pages (Czech). Every page reads one selector, ``selectors.cofinancing`` – the statement of the
required municipal share (rate × optimised cost) against the declarations – so the finance pages and the
network's co-financing pages show the same numbers.

* ``finance:cofinancing`` – the kraj's year: per municipality and per entry required, declared, difference;
* ``finance:cofinancing_statement`` – one municipality's statement with the arithmetic;
* ``finance:version_cofinancing`` – one network version (any amendment), for the network's pages;
* ``finance:municipality_cofinancing`` – a municipality's commitments and statement by year, for the network's
  pages (the former network URLs ``network:version_cofinancing`` and ``network:municipality`` redirect here).

Access: the finance pages need a territorial role of the kraj (as before); the version page whoever may see
the version (published versions are public), the municipality page everyone – in both the statement holds only
the entries the user may see.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from socplan.accounts.permissions import get_scoped_object
from socplan.accounts.scope import can
from socplan.network import selectors as network_selectors
from socplan.network.models import CofinancingDeclaration
from socplan.territory.models import Municipality

from . import selectors
from .adapter import frame_cache
from .views import _login_wrap, _region_or_404, _require_login, _year

PAGE_SIZE = 100
VIEWS = ("obce", "polozky")


def _search(rows, q: str, *names):
    q = q.strip().lower()
    if not q:
        return rows
    return [r for r in rows if any(q in str(getattr(r, n)).lower() for n in names)]


@_login_wrap
def cofinancing(request, region, year):
    """The kraj's year: per municipality (default) or per entry, with totals."""
    region = _region_or_404(region)
    year = _year(year)
    _require_login(request)
    if not selectors.region_member(request.user, region):
        raise PermissionDenied
    with frame_cache():
        statement = selectors.cofinancing(region, year, user=request.user)
    view = request.GET.get("pohled") if request.GET.get("pohled") in VIEWS else "obce"
    q = request.GET.get("q", "")
    if view == "obce":
        rows = _search(list(statement.municipalities), q, "name", "orp")
    else:
        rows = _search(sorted(statement.entries, key=lambda e: (e.difference, e.service)), q, "service", "provider")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("strana"))
    return render(request, "finance/cofinancing.html", {
        "region": region, "year": year, "st": statement, "page": page, "q": q, "view": view,
        "version": _version(statement)})


@_login_wrap
def cofinancing_statement(request, region, year, municipality):
    """One municipality's parts of the entries: required, declared, difference, with the split's arithmetic."""
    region = _region_or_404(region)
    year = _year(year)
    _require_login(request)
    if not selectors.region_member(request.user, region):
        raise PermissionDenied
    muni = get_object_or_404(Municipality.objects.defer("boundary").select_related("orp").defer("orp__boundary"),
                             code=municipality, region=region)
    with frame_cache():
        statement = selectors.cofinancing(region, year, user=request.user, municipality=muni)
    lines = sorted(statement.lines, key=lambda x: (-x.required, x.service))
    return render(request, "finance/cofinancing_statement.html", {
        "region": region, "year": year, "muni": muni, "st": statement,
        "lines": [{"line": ln, "explain": statement.explain(ln.key)} for ln in lines]})


def version_cofinancing(request, pk):
    """The network's co-financing page of one version: per entry and per municipality."""
    v = get_scoped_object(request, network_selectors.versions(), "view", pk=pk)
    with frame_cache():
        statement = selectors.cofinancing(v.region, v.year, user=request.user, version=v)
    show_all = request.GET.get("vse") == "1"
    entries = sorted(statement.entries, key=lambda e: (e.difference, e.service))
    short = [e for e in entries if e.shortfall]
    return render(request, "network/cofinancing.html", {
        "v": v, "st": statement, "rows": entries if show_all else short, "all": show_all,
        "n_total": len(entries), "n_short": len(short),
        "municipalities": Paginator(list(statement.municipalities), PAGE_SIZE).get_page(request.GET.get("strana")),
    })


def municipality_cofinancing(request, code):
    """A municipality: its declarations by year and its statement (required, declared, difference per service)."""
    m = get_object_or_404(Municipality.objects.select_related("orp", "district", "region").defer(
        "boundary", "orp__boundary", "district__boundary", "region__boundary"), code=code)
    commitments = {y["year"]: y for y in network_selectors.municipality_commitments(m, user=request.user)}
    years = sorted(set(commitments) | set(selectors.cofinancing_years(m.region)), reverse=True)
    rows = []
    with frame_cache():
        for year in years:
            statement = selectors.cofinancing(m.region, year, user=request.user, municipality=m)
            rows.append({"year": year, "st": statement, "commitments": commitments.get(year)})
    return render(request, "network/municipality.html", {
        "m": m, "years": rows,
        "may_create": request.user.is_authenticated and can(request.user, "change", CofinancingDeclaration(
            municipality=m, region=m.region)),
    })


def _version(statement):
    if statement.version_id is None:
        return None
    return network_selectors.versions().filter(pk=statement.version_id).first()
