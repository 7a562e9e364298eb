"""Plain-language presentation helpers shared by pages, documents and the API (no HTTP here)."""

from __future__ import annotations

from socplan.core.czech import plural

from .situations import FORM_ORDER, FORM_PLAIN, FORM_SHORT

CAPACITY_UNITS = {  # registry capacity type → (one, few, many) in plain Czech
    "luzka": ("lůžko", "lůžka", "lůžek"),
    "klient": ("klient najednou", "klienti najednou", "klientů najednou"),
    "kontakt": ("kontakt (10 min)", "kontakty (10 min)", "kontaktů (10 min)"),
    "interv": ("intervence (30 min)", "intervence (30 min)", "intervencí (30 min)"),
    "hovor": ("hovor", "hovory", "hovorů"),
}


def services_count(n: int) -> str:
    return f"{n} " + plural(n, "služba", "služby", "služeb")


def km(value: float | None) -> str:
    """Distance in Czech notation: "0,4 km", "12 km"."""
    if value is None:
        return ""
    if value < 10:
        return f"{value:.1f}".replace(".", ",") + "\xa0km"
    return f"{value:.0f}\xa0km"


def capacity_text(count: int, type_code: str, type_name: str = "") -> str:
    forms = CAPACITY_UNITS.get(type_code)
    if not forms:
        return f"{count} {type_name}".strip()
    return f"{count} {plural(count, *forms)}"


def form_codes(packed: str) -> list[str]:
    codes = [c for c in packed.split("|") if c]
    return sorted(codes, key=lambda c: FORM_ORDER.index(c) if c in FORM_ORDER else 9)


def forms_plain(packed: str) -> list[str]:
    return [FORM_PLAIN.get(c, c) for c in form_codes(packed)]


def forms_short(packed: str) -> list[str]:
    return [FORM_SHORT.get(c, c) for c in form_codes(packed)]


def capacities(detail: dict) -> list[str]:
    """ "terénní: 16 klientů najednou" for every registered capacity of the service detail."""
    return [f"{f['name']}: {capacity_text(c['count'], c['type'], c['type_name'])}"
            for f in detail.get("forms", []) for c in f.get("capacities", [])]


def web_url(web: str) -> str:
    web = (web or "").strip()
    if not web:
        return ""
    return web if web.startswith(("http://", "https://")) else f"https://{web}"
