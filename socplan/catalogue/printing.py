"""Printable catalogue documents: the service card (A5) and the brochure of an ORP (A4, grouped by life
situation), rendered from templates to PDF with `socplan.core.render.pdf.pdf_from_html` (WeasyPrint; DejaVu fonts,
Czech hyphenation, page numbers, bookmarks).

The rendering runs as every document's does: in a child process with a time and a memory limit
(`socplan.core.render.isolation.render_isolated`, settings `SOCPLAN_DOCUMENT_RENDER_SECONDS` and
`SOCPLAN_DOCUMENT_RENDER_MEMORY_MB`, docs/documents.md "Limits"); a rendering over a limit raises `RenderFailed`
(a Czech `message`) instead of growing the web worker."""

from __future__ import annotations

import base64
from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from socplan.core.render.isolation import PrintHtml, RenderLimits, render_isolated

from . import presenters, selectors
from .content import price_label
from .models import CatalogueDetail, ProposalPhoto
from .situations import kind_plain, situations

CARD_CSS = """
@page { size: A5; margin: 12mm 12mm 14mm; @bottom-right { content: counter(page) "/" counter(pages);
  font-size: 7pt; color: #555e68; } }
html { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.4; color: #1b1f24; }
h1 { font-size: 15pt; color: #0b3d73; margin: 0 0 2pt; } h2 { font-size: 10.5pt; color: #0b3d73; margin: 9pt 0 2pt; }
p, li { hyphens: auto; margin: 0 0 3pt; } ul { margin: 0 0 3pt; padding-left: 12pt; }
.kind { color: #555e68; margin-bottom: 6pt; } .network { font-weight: bold; color: #1f5a2e; }
.foot { margin-top: 10pt; font-size: 7.5pt; color: #555e68; border-top: 0.5pt solid #aab4bf; padding-top: 4pt; }
table.prices { border-collapse: collapse; width: 100%; margin: 0 0 3pt; font-size: 8.5pt; }
table.prices th, table.prices td { text-align: left; padding: 1pt 4pt 1pt 0; border-bottom: 0.4pt solid #d5dbe1;
  vertical-align: top; } table.prices .amount { text-align: right; white-space: nowrap; }
table.prices th { font-weight: bold; color: #555e68; }
figure.photo { margin: 4pt 0 6pt; break-inside: avoid; }
figure.photo img { display: block; max-width: 100%; max-height: 50mm; width: auto; height: auto; }
figure.photo figcaption { font-size: 7.5pt; color: #555e68; margin-top: 1pt; }
"""

BROCHURE_CSS = """
section.situation { break-before: page; }
section.situation h2 { string-set: chapter content(); font-size: 14pt; margin-top: 0; }
p.situation-lead { font-size: 10pt; color: #333; }
div.svc { break-inside: avoid; border-left: 2pt solid #0b5cad; padding: 2pt 0 2pt 6pt; margin: 0 0 7pt; }
div.svc h3 { margin: 0 0 1pt; font-size: 10pt; bookmark-level: none; }
div.svc p { margin: 0; text-align: left; font-size: 8.5pt; }
.muted { color: #555e68; }
ol.situations-toc { padding-left: 14pt; } ol.situations-toc li { text-align: left; margin: 2pt 0; }
ol.situations-toc a { color: inherit; text-decoration: none; }
ol.situations-toc a::after { content: leader(".") " " target-counter(attr(href), page); }
div.svc img.thumb { float: right; width: 28mm; height: auto; max-height: 24mm; object-fit: cover;
  margin: 0 0 2pt 6pt; }
div.svc::after { content: ""; display: block; clear: both; }
"""


def render_limits() -> RenderLimits:
    """The limits of a download's rendering (the documents' settings and defaults)."""
    seconds = float(getattr(settings, "SOCPLAN_DOCUMENT_RENDER_SECONDS", 60))
    memory_mb = int(getattr(settings, "SOCPLAN_DOCUMENT_RENDER_MEMORY_MB", 2048))
    return RenderLimits(seconds=seconds, memory_bytes=memory_mb * 1024 * 1024)


def catalogue_pdf(html: str, css: str, *, print_css: bool) -> bytes:
    """PDF of a catalogue print page, laid out in a bounded child process (raises `RenderFailed`)."""
    return render_isolated(PrintHtml(html, (css,), print_css), "pdf", limits=render_limits()).content


def _pdf(html: str, css: str, *, print_css: bool) -> bytes:
    return catalogue_pdf(html, css, print_css=print_css)


CARD_PHOTOS = 1  # photos printed on the card (the first; the page shows all)
BROCHURE_PRICES = 4  # price list rows printed per service in the brochure (the card and the page show all)


def _data_uri(photo: ProposalPhoto, size: str) -> str:
    data, content_type, _w, _h = photo.variant(size)
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def _photos(content: dict | None, size: str, limit: int) -> list[dict]:
    """The approved photos of the content (only those: `content` is the published proposal's), as data URIs
    of their bounded-size copy (`size`), so the document fetches nothing."""
    listed = (content or {}).get("photos", [])[:limit]
    by_id = {ph.pk: ph for ph in ProposalPhoto.objects.filter(pk__in=[x["id"] for x in listed])}
    return [{"src": _data_uri(by_id[x["id"]], size), "caption": x["caption"]} for x in listed if x["id"] in by_id]


def _price_rows(content: dict | None) -> list[dict]:
    return [{"item": r["item"], "amount": price_label(r["amount"]), "unit": r["unit"]}
            for r in (content or {}).get("prices", [])]


def service_card_pdf(page: selectors.ServicePage, *, url: str) -> bytes:
    content = page.detail.get("content")
    html = render_to_string("catalogue/print_card.html", {
        "p": page, "d": page.detail, "plain": kind_plain(page.entry.kind_code),
        "forms": presenters.forms_plain(page.entry.forms), "capacities": presenters.capacities(page.detail),
        "url": url, "today": timezone.localdate(), "content": content or {},
        "prices": _price_rows(content), "photos": _photos(content, "display", CARD_PHOTOS),
        "content_on": date.fromisoformat(content["approved_on"]) if (content or {}).get("approved_on") else None,
    })
    return _pdf(html, CARD_CSS, print_css=False)


def brochure_data(orp) -> list[dict]:
    """The ORP's services grouped by life situation (a service may help in several); the rest last."""
    entries = selectors.orp_entries(orp.code)
    places = selectors.places_of([e.service_id for e in entries])
    details = dict(CatalogueDetail.objects.filter(entry_id__in=[e.service_id for e in entries])
                   .values_list("entry_id", "data"))
    photos = {sid: _photos(d.get("content"), "thumb", 1) for sid, d in details.items()
              if (d.get("content") or {}).get("photos")}

    def item(e):
        in_orp = [p for p in places.get(e.service_id, []) if p.orp_code == orp.code] or places.get(e.service_id, [])
        contact = details.get(e.service_id, {}).get("contact", {})
        phone, email, web = contact.get("phone", ""), contact.get("email", ""), contact.get("web", "")
        labels = list(dict.fromkeys(p.address or p.name for p in in_orp))
        content = details.get(e.service_id, {}).get("content") or {}
        prices = _price_rows(content)
        return {"entry": e, "places": labels[:3],
                "forms": presenters.forms_plain(e.forms), "phone": phone, "email": email, "web": web,
                "comes_home": "|ter|" in e.forms, "hours": content.get("opening_lines", []),
                "opening_note": content.get("opening_note", ""), "prices": prices[:BROCHURE_PRICES],
                "more_prices": len(prices) > BROCHURE_PRICES,
                "photo": (photos.get(e.service_id) or [None])[0]}

    groups, used = [], set()
    for s in situations():
        members = [item(e) for e in entries if f"|{s.slug}|" in e.situations]
        used.update(i["entry"].service_id for i in members)
        if members:
            groups.append({"slug": s.slug, "label": s.label, "description": s.description, "items": members})
    rest = [item(e) for e in entries if e.service_id not in used]
    if rest:
        groups.append({"slug": "dalsi-sluzby", "label": "Další sociální služby",
                       "description": "Služby, které nespadají do žádné z uvedených situací.", "items": rest})
    return groups


def brochure_pdf(orp, *, base_url: str) -> bytes:
    groups = brochure_data(orp)
    html = render_to_string("catalogue/print_brochure.html", {
        "orp": orp, "groups": groups, "count": len({i["entry"].service_id for g in groups for i in g["items"]}),
        "today": timezone.localdate(), "base_url": base_url,
    })
    return _pdf(html, BROCHURE_CSS, print_css=True)
