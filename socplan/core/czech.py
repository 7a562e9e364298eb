"""Czech grammar helpers shared by pages and documents: plural forms after a number, and Czech alphabetical order
(a sort key for Python lists, a collation for database queries)."""

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


# --- Czech alphabetical order ----------------------------------------------------------------------------------
#
# Czech sorts by letters, not by code points: a á b c č d ď e é ě f g h ch i í j k l m n ň o ó p q r ř s š t ť u ú
# ů v w x y ý z ž. Č, Ř, Š, Ž and the digraph Ch are letters of their own (Ch comes after H); the other accents
# only break ties (Dolní before Dolňany is decided by the letters first). PostgreSQL sorts with the ICU collation
# ``cs-x-icu``; SQLite gets a collation named ``cs`` (registered on every connection, see `register_sqlite`)
# built on `sort_key`, the same key Python code uses for lists that are sorted in memory.

_ALPHABET = ["a", "b", "c", "č", "d", "e", "f", "g", "h", "ch", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r",
             "ř", "s", "š", "t", "u", "v", "w", "x", "y", "z", "ž"]
_PRIMARY = {letter: rank for rank, letter in enumerate(_ALPHABET, start=100)}
# letters whose accent is only a tie-breaker: base letter and the accent's rank
_SECONDARY = {"á": ("a", 1), "ď": ("d", 1), "é": ("e", 1), "ě": ("e", 2), "í": ("i", 1), "ň": ("n", 1),
              "ó": ("o", 1), "ť": ("t", 1), "ú": ("u", 1), "ů": ("u", 2), "ý": ("y", 1), "ä": ("a", 2),
              "ö": ("o", 2), "ü": ("u", 3), "ľ": ("l", 1), "ĺ": ("l", 2), "ŕ": ("r", 1), "ô": ("o", 3)}


def sort_key(text) -> tuple:
    """A key that sorts texts in Czech alphabetical order (case and accents decide only ties)."""
    s = "" if text is None else str(text)
    low = s.lower()
    primary, secondary = [], []
    i = 0
    while i < len(low):
        ch = low[i]
        if ch == "c" and low[i + 1:i + 2] == "h":
            primary.append(_PRIMARY["ch"])
            secondary.append(0)
            i += 2
            continue
        base, accent = _SECONDARY.get(ch, (ch, 0))
        if base in _PRIMARY:
            primary.append(_PRIMARY[base])
        elif ch.isdigit():
            primary.append(50 + int(ch) if ch in "0123456789" else 60)
        elif ch.isspace() or not ch.isalnum():
            primary.append(10)  # spaces and punctuation before letters and digits
        else:
            primary.append(1000 + ord(ch))  # other scripts after the Czech alphabet
        secondary.append(accent)
        i += 1
    tertiary = [0 if c.islower() or not c.isalpha() else 1 for c in s]
    return (primary, secondary, tertiary, s)


def sorted_czech(items, key=None):
    """`items` sorted by `key(item)` (default: the item) in Czech alphabetical order."""
    key = key or (lambda x: x)
    return sorted(items, key=lambda item: sort_key(key(item)))


def _compare(a, b) -> int:
    ka, kb = sort_key(a), sort_key(b)
    return (ka > kb) - (ka < kb)


def register_sqlite(sender=None, connection=None, **kwargs) -> None:
    """`connection_created` receiver: teach an SQLite connection the collation ``cs``."""
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_collation("cs", _compare)


def _collate_class():
    from django.db.models.functions import Collate

    class Czech(Collate):
        """``expression COLLATE`` Czech: ``cs-x-icu`` on PostgreSQL, ``cs`` (see `register_sqlite`) on SQLite."""

        def __init__(self, expression):
            super().__init__(expression, "cs")

        def as_postgresql(self, compiler, connection, **extra_context):
            extra_context["collation"] = connection.ops.quote_name("cs-x-icu")
            return super().as_sql(compiler, connection, **extra_context)

    return Czech


def czech(expression):
    """A query expression (or field name) compared in Czech alphabetical order: ``qs.order_by(czech("name"))``."""
    from django.db.models import F

    if isinstance(expression, str):
        expression = F(expression)
    return _collate_class()(expression)


def _is_text_field(model, path: str) -> bool:
    from django.core.exceptions import FieldDoesNotExist
    from django.db import models

    parts = path.split("__")
    for n, part in enumerate(parts):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if n < len(parts) - 1:
            if not field.is_relation or field.related_model is None:
                return False
            model = field.related_model
        else:
            return isinstance(field, models.CharField | models.TextField) and not field.choices
    return False


def czech_ordering(model, *fields):
    """Order-by terms for `fields` (``"name"``, ``"-provider__name"``): text fields in Czech order, others as is."""
    out = []
    for f in fields:
        if not isinstance(f, str):
            out.append(f)
            continue
        desc = f.startswith("-")
        path = f.lstrip("-")
        if _is_text_field(model, path):
            expr = czech(path)
            out.append(expr.desc() if desc else expr.asc())
        else:
            out.append(f)
    return out


def order_czech(queryset, *fields):
    """`queryset.order_by(*fields)` with text fields in Czech alphabetical order."""
    return queryset.order_by(*czech_ordering(queryset.model, *fields))
