"""Choices of the obec pickers: "Název (ORP …)" in Czech alphabetical order, for `core.widgets.SearchableSelect`
(same-named obce — there are several Lhotas — are told apart by their ORP and, if needed, their code)."""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _

from socplan.core.czech import sort_key

from .models import Municipality


def municipality_choices(region, *, value: str = "code") -> list[tuple[str, str]]:
    """[(code or pk, label)] of the kraj's obce, labelled with their ORP, in Czech order."""
    rows = list(Municipality.objects.filter(region=region).values_list(value, "code", "name", "orp__name"))
    same = Counter((name, orp) for _v, _c, name, orp in rows)
    out = []
    for v, code, name, orp in rows:
        label = _("%(obec)s (ORP %(orp)s)") % {"obec": name, "orp": orp}
        if same[(name, orp)] > 1:
            label += f", {code}"
        out.append((str(v), label))
    return sorted(out, key=lambda c: sort_key(c[1]))
