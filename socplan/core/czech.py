"""Czech grammar helpers shared by pages and documents: plural forms after a number."""

from __future__ import annotations

# registry capacity type → (1, 2–4, 0 / 5+): "1 lůžko", "3 lůžka", "15 lůžek"
CAPACITY_FORMS = {
    "luzka": ("lůžko", "lůžka", "lůžek"),
    "klient": ("klient", "klienti", "klientů"),
    "kontakt": ("kontakt", "kontakty", "kontaktů"),
    "interv": ("intervence", "intervence", "intervencí"),
    "hovor": ("hovor", "hovory", "hovorů"),
}


def plural(n, one: str, few: str, many: str) -> str:
    """Czech plural: 1 služba, 2–4 služby, 0 / 5+ služeb (decimals take the "few" form: 2,5 lůžka)."""
    if float(n) != int(n):
        return few
    n = abs(int(n))
    if n == 1:
        return one
    if 2 <= n <= 4:
        return few
    return many


def capacity_unit(count, type_code: str, fallback: str = "") -> str:
    """The unit of a capacity count in the right form ("15 klientů"); `fallback` for unknown types."""
    forms = CAPACITY_FORMS.get(type_code)
    return plural(count, *forms) if forms else fallback
