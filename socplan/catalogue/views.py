"""Public catalogue pages (anonymous, Czech, no JavaScript): search, service page, printable card and
brochure, open data.

Every page carries a strong ETag derived from the catalogue's content version (see `cache`) and what
identifies the page; a matching `If-None-Match` gets 304. Pages are `Cache-Control: private, no-cache` (the
layout carries the visitor's CSRF token for the language switch), downloads `public, max-age=300`. The
public part of a page (everything inside <main>) is rendered once per catalogue version, language and
parameters and kept in a small per-process LRU; only the layout around it is rendered per request.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template import Context, engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from socplan.accounts.history import history_rows
from socplan.accounts.permissions import scoped_view
from socplan.accounts.scope import can, is_region_staff, restrict
from socplan.core.render.isolation import RenderFailed
from socplan.registry.models import Service

from . import cache, exports, files, images, presenters, printing, selectors
from .content import opening_lines, price_label
from .forms import PHOTO_SLOTS, ContentProposalForm, ReturnForm
from .inbox import CONTENT_STALE_DAYS
from .map import places_map_svg
from .models import (
    CatalogueEntry,
    CatalogueState,
    ContentProposal,
    FreeCapacityStatement,
    ProposalPhoto,
    ProposalState,
)
from .proposals import (
    PhotoUpload,
    content_approve,
    content_propose,
    content_return,
    may_review,
    photo_etag,
    published_proposal,
)
from .self_service import FreeCapacityForm, free_capacity_history, free_capacity_state, is_stale
from .situations import kind_plain, situations, translated

PAGE_CACHE_CONTROL = "private, no-cache"
FILE_CACHE_CONTROL = "public, max-age=300"


def _lang() -> str:
    return get_language() or settings.LANGUAGE_CODE


def _page_etag(request, *parts) -> str:
    user = getattr(request, "user", None)
    uid = user.pk if user is not None and user.is_authenticated else 0
    # the page embeds a CSRF token derived from the visitor's CSRF secret (the language switch): the secret
    # in use is part of the tag (set from the cookie by the CSRF middleware, or created while rendering)
    return cache.etag("page", request.get_full_path(), _lang(), uid, request.META.get("CSRF_COOKIE", ""), *parts)


def _not_modified(tag: str, cache_control: str) -> HttpResponseNotModified:
    resp = HttpResponseNotModified()
    resp["ETag"] = tag
    resp["Cache-Control"] = cache_control
    return resp


def _page(request, key: tuple, build):
    """Render the layout around the cached public part `build() -> (title, html)`, with ETag handling.

    For a visitor without a session and without pending messages (every anonymous first visit) the whole
    page is cached too, with a placeholder where the layout puts the CSRF token; the visitor's own token is
    substituted per request. Everyone else gets the layout rendered for them around the cached part."""
    tag = _page_etag(request)
    if cache.not_modified(request, tag):
        return _not_modified(tag, PAGE_CACHE_CONTROL)
    if _fresh_visitor(request):
        html = cache.cached(("page", _lang(), request.get_full_path(), *key),
                            lambda: _render_anonymous(request, key, build))
        resp = HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))
    else:
        title, body = cache.cached((_lang(), *key), build)
        resp = render(request, "catalogue/page.html", {"title": title, "body": mark_safe(body)})
    resp["ETag"] = _page_etag(request)
    resp["Cache-Control"] = PAGE_CACHE_CONTROL
    return resp


CSRF_PLACEHOLDER = "__socplan_csrf_token__"


def _fresh_visitor(request) -> bool:
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES


def _render_anonymous(request, key: tuple, build) -> str:
    """The page as the template engine renders it for this anonymous request, with the CSRF placeholder."""
    engine = engines["django"].engine
    title, body = cache.cached((_lang(), *key), build)
    ctx: dict = {}
    for processor in engine.template_context_processors:
        ctx.update(processor(request))
    ctx.update({"csrf_token": CSRF_PLACEHOLDER, "title": title, "body": mark_safe(body)})
    return engine.get_template("catalogue/page.html").render(Context(ctx))


def _query(data, **changes) -> str:
    items = [(k, v) for k, v in data.items() if v not in ("", None) and k not in changes]
    items += [(k, v) for k, v in changes.items() if v not in ("", None)]
    return "?" + urlencode(items) if items else "?"


# --- search -----------------------------------------------------------------------------------------------------

@require_safe
def index(request):
    key = ("index", tuple(sorted((k, tuple(v)) for k, v in request.GET.lists())))
    return _page(request, key, lambda: _index_body(request.GET))


def _index_body(data) -> tuple[str, str]:
    params, errors = selectors.parse_params(data, obec_names=True)
    raw = {k: (data.get(k) or "").strip() for k in
           ("q", "situace", "obec", "radius_km", "forma", "druh", "skupina")}
    obec_choices = []
    if "obec" in errors and raw["obec"] and not raw["obec"].isdigit():
        obec_choices = [{"label": m.label, "url": _query(raw, obec=m.code, strana="")}
                        for m in selectors.municipality_find(raw["obec"])]
    result = None
    if params.active and not errors:
        result = selectors.search(params)
    muni = selectors.municipality(params.obec) if params.obec else None
    sits = [translated(s) for s in situations()]
    ctx = {
        "params": params, "errors": errors, "raw": raw, "obec_choices": obec_choices,
        "obec_text": muni.name if muni and raw["obec"].isdigit() else raw["obec"],
        "muni": muni, "situations": sits,
        "situation": next((s for s in sits if s.slug == params.situation), None),
        "radius_choices": selectors.RADIUS_CHOICES,
        "form_choices": [("ter", _("přijde za vámi domů")), ("amb", _("docházíte do zařízení")), ("pob", _("pobyt"))],
        "kinds": selectors.kind_options(), "groups": selectors.target_group_options(),
        "result": result,
    }
    if result is not None:
        ctx["hits"] = [{
            "hit": h, "entry": h.entry, "url": reverse("catalogue:service", args=[h.entry.service_id]),
            "distance": presenters.km(h.distance_km), "forms": [_(f) for f in presenters.forms_short(h.entry.forms)],
            "place": h.entry.place_label,
        } for h in result.hits]
        ctx["found"] = _services_found(result.total)
        ctx["first_index"] = (result.page - 1) * params.page_size + 1
        ctx["pages"] = _pages(raw, result)
    title = _("Katalog sociálních služeb")
    if ctx["situation"]:
        title = f"{ctx['situation'].label} – {title}"
    if muni:
        title = f"{muni.name}: {title}"
    return title, render_to_string("catalogue/_index_body.html", ctx)


def _services_found(n: int) -> str:
    """The number of services found: "206 služeb" / "206 services". Czech, the source language, has a third form
    for 2–4 ("3 služby") that gettext's two-form fallback cannot pick, so that form is a message of its own."""
    if 2 <= n <= 4:
        return _("%(n)s služby") % {"n": n}
    return ngettext("%(n)s služba", "%(n)s služeb", n) % {"n": n}


def _pages(raw: dict, result: selectors.SearchResult) -> dict:
    def link(n):
        return _query(raw, strana=n if n > 1 else "")

    numbers = sorted({1, result.pages, *range(max(1, result.page - 2), min(result.pages, result.page + 2) + 1)})
    items, last = [], 0
    for n in numbers:
        if n - last > 1:
            items.append({"gap": True})
        items.append({"n": n, "url": link(n), "current": n == result.page})
        last = n
    return {
        "items": items if result.pages > 1 else [],
        "previous": link(result.page - 1) if result.has_previous else None,
        "next": link(result.page + 1) if result.has_next else None,
    }


# --- one service --------------------------------------------------------------------------------------------------

@require_safe
def service(request, pk: int):
    return _page(request, ("service", pk), lambda: _service_body(pk))


def _service_body(pk: int) -> tuple[str, str]:
    page = selectors.service_page(pk=pk)
    st = CatalogueState.objects.filter(pk=1).first()
    d = page.detail
    ctx = {
        "p": page, "d": d, "entry": page.entry,
        "plain": kind_plain(page.entry.kind_code),
        "forms": [_(f) for f in presenters.forms_plain(page.entry.forms)],
        "situations": [translated(x) for x in page.situations],
        "capacities": presenters.capacities(d),
        "orps": [a["name"] for a in d.get("areas", []) if a["type"] == "orp"],
        "area_munis": [a["name"] for a in d.get("areas", []) if a["type"] == "obec"],
        "web_url": presenters.web_url(d.get("contact", {}).get("web", "")),
        "network_year": st.network_year if st else None,
        "refreshed_at": st.refreshed_at if st else None,
        "free": d.get("free_capacity"),
        "free_date": _iso_date(d.get("free_capacity", {}) and d["free_capacity"]["stated_on"]),
        "free_stale": bool(d.get("free_capacity")) and is_stale(d["free_capacity"]["stated_on"]),
        "verified_on": _iso_date(d.get("verified_on")),
        "content": d.get("content"),
        "prices": _price_rows((d.get("content") or {}).get("prices", [])),
        "content_on": _iso_date((d.get("content") or {}).get("approved_on")),
        "content_stale": bool((d.get("content") or {}).get("approved_on")) and (
            timezone.localdate() - date.fromisoformat(d["content"]["approved_on"])).days > CONTENT_STALE_DAYS,
        "map_svg": mark_safe(places_map_svg(
            d.get("facilities", []),
            [c for c in page.entry.orp_codes.split("|") if c])),  # noqa: S308 - built from escaped parts
    }
    return page.entry.name, render_to_string("catalogue/_service_body.html", ctx)


def _iso_date(text):
    return date.fromisoformat(text) if text else None


def _file_response(request, path, *, content_type: str, filename: str, tag: str, attachment: bool):
    if cache.not_modified(request, tag):
        return _not_modified(tag, FILE_CACHE_CONTROL)
    resp = FileResponse(open(path, "rb"), content_type=content_type, as_attachment=attachment, filename=filename)
    resp["ETag"] = tag
    resp["Cache-Control"] = FILE_CACHE_CONTROL
    return resp


def _print_unavailable(request, exc: RenderFailed, *, back: str):
    """503 in Czech when a print version exceeds the renderer's time or memory limit (not a server error)."""
    response = render(request, "catalogue/print_unavailable.html", {"reason": exc.message, "back": back}, status=503)
    response["Cache-Control"] = "private, max-age=0"
    return response


@require_safe
def service_card(request, pk: int):
    if not CatalogueEntry.objects.filter(service_id=pk).exists():
        raise Http404
    url = request.build_absolute_uri(reverse("catalogue:service", args=[pk]))

    def build() -> bytes:
        return printing.service_card_pdf(selectors.service_page(pk=pk), url=url)

    try:
        path = files.generated(f"karta-{pk}.pdf", build, variant=url)
    except RenderFailed as exc:
        return _print_unavailable(request, exc, back=url)
    return _file_response(request, path, content_type="application/pdf", filename=f"sluzba-{pk}.pdf",
                          tag=cache.etag("card", pk, url), attachment=False)


# --- brochure -----------------------------------------------------------------------------------------------------

@require_safe
def brochure_index(request):
    def build():
        orps = selectors.orp_options()
        regions: dict[str, list] = {}
        for code, name, region in orps:
            regions.setdefault(region, []).append({"code": code, "name": name,
                                                   "url": reverse("catalogue:brochure", args=[code])})
        return "Brožura katalogu pro tisk", render_to_string("catalogue/_brochure_index.html", {"regions": regions})

    return _page(request, ("brochures",), build)


@require_safe
def brochure(request, orp: str):
    from socplan.territory.models import Orp

    obj = get_object_or_404(Orp, code=orp)
    base = request.build_absolute_uri("/").rstrip("/")
    try:
        path = files.generated(f"brozura-{orp}.pdf", lambda: printing.brochure_pdf(obj, base_url=base), variant=base)
    except RenderFailed as exc:
        return _print_unavailable(request, exc, back=reverse("catalogue:brochure_index"))
    return _file_response(request, path, content_type="application/pdf", filename=f"katalog-socialnich-sluzeb-{orp}.pdf",
                          tag=cache.etag("brochure", orp, base), attachment=False)


# --- open data ----------------------------------------------------------------------------------------------------

DOWNLOADS = {
    "katalog.csv": ("text/csv; charset=utf-8", False, "csv"),
    "katalog.xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False, "xlsx"),
    "katalog-hsds.json": ("application/json", False, "hsds"),
    "sit.csv": ("text/csv; charset=utf-8", True, "csv"),
    "sit.xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", True, "xlsx"),
    "sit-hsds.json": ("application/json", True, "hsds"),
}


@require_safe
def open_data(request):
    def build():
        st = CatalogueState.objects.filter(pk=1).first()
        return "Otevřená data katalogu", render_to_string("catalogue/_open_data.html", {
            "st": st, "columns": exports.COLUMNS, "network": bool(st and st.network_available),
        })

    return _page(request, ("open-data",), build)


@require_safe
def download(request, name: str):
    if name not in DOWNLOADS:
        raise Http404
    content_type, network_only, fmt = DOWNLOADS[name]
    if network_only:
        st = CatalogueState.objects.filter(pk=1).first()
        if not (st and st.network_available):
            raise Http404("Zveřejněná síť služeb není k dispozici.")
    base = request.build_absolute_uri("/").rstrip("/")

    def build() -> bytes:
        if fmt == "hsds":
            import json

            doc = exports.hsds_document(base_url=base, network_only=network_only)
            return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        data = exports.rows(network_only=network_only, base_url=base)
        if fmt == "csv":
            return exports.csv_bytes(data)
        title = "Krajská síť sociálních služeb" if network_only else "Katalog sociálních služeb"
        return exports.xlsx_bytes(data, title=title)

    path = files.generated(name, build, variant=base)
    return _file_response(request, path, content_type=content_type, filename=name,
                          tag=cache.etag("download", name, base), attachment=True)


@login_required
def free_capacity_edit(request, pk: int):
    """The provider's (or the region's) statement of free capacity of a service; saved through
    `self_service.free_capacity_state`, which checks the permission."""
    service = get_object_or_404(Service, pk=pk)
    if not can(request.user, "change", FreeCapacityStatement(service=service)):
        raise PermissionDenied
    form = FreeCapacityForm(request.POST or None, initial={"stated_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            free_capacity_state(actor=request.user, service=service, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("catalogue:free_capacity", pk=pk)
    return render(request, "catalogue/free_capacity.html", {
        "service": service, "form": form, "history": free_capacity_history(service)})


# --- provider-proposed content and its review ---------------------------------------------------------------------

def _initial_content(service) -> tuple[dict, list]:
    """The form's starting values: the published (approved) content, else the registry's contacts."""
    from .content import prices_text

    published = published_proposal(service.pk)
    if published is None:
        return {"phone": service.phone or "", "email": service.email or "", "web": service.web or ""}, []
    initial = {"description": published.description, "how_to_apply": published.how_to_apply,
               "phone": published.phone, "email": published.email, "web": published.web,
               "opening_note": published.opening_note, "prices_text": prices_text(published.prices),
               "price_note": published.price_note}
    for r in published.opening_hours:
        initial.setdefault(f"opens_{r['day']}", r["opens"])
        initial.setdefault(f"closes_{r['day']}", r["closes"])
    return initial, [(str(p.pk), p.caption) for p in published.photos.all()]


@scoped_view(ContentProposal, "change", url_model=Service)
def content_edit(request, pk: int):
    """A provider's proposal of the catalogue content of its service (published after the kraj's review)."""
    service = get_object_or_404(Service, pk=pk)
    if not can(request.user, "change", ContentProposal(service=service)):
        raise PermissionDenied
    initial, keep_choices = _initial_content(service)
    form = ContentProposalForm(request.POST or None, request.FILES or None, initial=initial,
                               keep_choices=keep_choices)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        uploads = []
        for n in range(1, PHOTO_SLOTS + 1):
            f = c.get(f"photo_{n}")
            if f:
                if f.size > images.MAX_BYTES:
                    form.add_error(f"photo_{n}", _("Soubor je větší než 3 MB."))
                    continue
                uploads.append(PhotoUpload(f.name, f.read(), c.get(f"caption_{n}", "")))
        if form.is_valid():
            try:
                proposal = content_propose(
                    actor=request.user, service=service, description=c["description"],
                    how_to_apply=c["how_to_apply"], phone=c["phone"], email=c["email"], web=c["web"],
                    opening_hours=c["opening_hours"], opening_note=c["opening_note"], prices=c["prices"],
                    price_note=c["price_note"], photos=uploads,
                    keep_photo_ids=[int(x) for x in c.get("keep_photos", [])])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Návrh je odeslán kraji ke kontrole. Do katalogu se dostane po schválení."))
                return redirect("catalogue:proposal", pk=proposal.pk)
    proposals = restrict(ContentProposal.objects.filter(service=service), request.user, "view").select_related(
        "created_by", "decided_by")[:50]
    return render(request, "catalogue/content_edit.html", {
        "service": service, "form": form, "proposals": proposals,
        "waiting": any(p.state == ProposalState.SUBMITTED for p in proposals)})


@login_required
def proposal_list(request):
    """Proposals the user may see (the kraj: its services; a provider: its own), those waiting first; and the
    services the user may edit in the catalogue."""
    qs = restrict(ContentProposal.objects.select_related("service", "created_by"), request.user, "view")
    waiting = list(qs.filter(state=ProposalState.SUBMITTED).order_by("created_at", "pk")[:200])
    decided = list(qs.exclude(state=ProposalState.SUBMITTED).order_by("-created_at", "-pk")[:50])
    services = restrict(Service.objects.filter(catalogue_entry__isnull=False), request.user, "change").order_by(
        "name", "pk")[:200] if not is_region_staff(request.user) else []
    return render(request, "catalogue/proposal_list.html", {"waiting": waiting, "decided": decided,
                                                             "services": services})


@login_required
def proposal_detail(request, pk: int):
    proposal = get_object_or_404(restrict(ContentProposal.objects.select_related("service", "created_by",
                                                                                 "decided_by"),
                                          request.user, "view"), pk=pk)
    reviewer = may_review(request.user, proposal) and can(request.user, "change", proposal)
    return_form = ReturnForm(request.POST if request.POST.get("action") == "return" else None)
    if request.method == "POST":
        if not reviewer:
            raise PermissionDenied
        try:
            if request.POST.get("action") == "approve":
                content_approve(actor=request.user, proposal=proposal)
                messages.success(request, _("Schváleno; obsah je v katalogu zveřejněn."))
                return redirect("catalogue:proposal", pk=pk)
            if request.POST.get("action") == "return" and return_form.is_valid():
                content_return(actor=request.user, proposal=proposal, reason=return_form.cleaned_data["reason"])
                messages.success(request, _("Návrh je vrácen poskytovateli k opravě."))
                return redirect("catalogue:proposal", pk=pk)
        except ValidationError as exc:
            return_form.add_error(None, exc)
    published = published_proposal(proposal.service_id)
    return render(request, "catalogue/proposal_detail.html", {
        "p": proposal, "published": published if published and published.pk != proposal.pk else None,
        "opening": opening_lines(proposal.opening_hours), "prices": _price_rows(proposal.prices),
        "reviewer": reviewer and proposal.state == ProposalState.SUBMITTED, "return_form": return_form,
        "history_rows": history_rows(proposal, user=request.user),
    })


def _price_rows(rows):
    return [{"item": r["item"], "amount": price_label(r["amount"]), "unit": r["unit"]} for r in rows]


@require_safe
def photo(request, pk: int, size: str = "display"):
    """A photo: public when it belongs to the published content of its service; otherwise only for those who
    may see the proposal (the provider, the kraj). `size` is the bounded copy for the page ("display", at most
    1200 px), the thumbnail ("thumb", 400 px) or the stored original ("original": only for the provider and the
    kraj). Served with its fixed type, never sniffed or run."""
    obj = get_object_or_404(ProposalPhoto.objects.select_related("proposal"), pk=pk)
    published = published_proposal(obj.proposal.service_id)
    may_see = can(request.user, "view", obj.proposal)
    public = published is not None and published.pk == obj.proposal_id and size != "original"
    if not public and not may_see:
        raise Http404
    data, content_type, _w, _h = obj.variant(size)
    tag = f'"{photo_etag(obj)}-{size}-{len(data)}"'
    cache_control = "public, max-age=300" if public else "private, no-cache"
    if cache.not_modified(request, tag):
        return _not_modified(tag, cache_control)
    resp = HttpResponse(data, content_type=content_type)
    resp["ETag"] = tag
    resp["Cache-Control"] = cache_control
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Content-Security-Policy"] = "default-src 'none'; sandbox"
    suffix = "" if size == "display" else f"-{size}"
    resp["Content-Disposition"] = (f'inline; filename="foto-{obj.pk}{suffix}.'
                                   f'{"png" if content_type == "image/png" else "jpg"}"')
    return resp
