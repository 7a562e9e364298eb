"""Indicators computed from service data (vectorised over all services of a kraj and year).

Input columns (one row per service; a column that is absent counts as missing for every service):

=================  =========================================================================
column             meaning
=================  =========================================================================
service_id         identifier of the service (unique)
kind               § of the kind (druh), e.g. "49", "60a"
form               "amb" | "ter" | "pob"
costs              total annual costs of the service, Kč (celkové náklady)
fte_direct         FTE in direct care (úvazky v přímé péči)
fte_other          other FTE (ostatní úvazky)
capacity           registered capacity in the kind's unit (beds for residential services)
bed_days           realised bed-days in the year (lůžkodny)
clients            clients served in the year
contacts           contacts (10 min) in the year
interventions      interventions (30 min) in the year
rev_users          user fees (úhrady uživatelů), Kč
rev_health         health-insurance payments (zdravotní pojišťovny), Kč
rev_municipal      municipalities (obce), Kč
rev_founder        founder's contribution (zřizovatel), Kč
rev_other          other sources (EU, donations, labour office …), Kč
assess_*           grades entered by the region (any column with this prefix is passed through)
=================  =========================================================================

Missing and invalid inputs
--------------------------
A missing input (NaN/None) or an impossible one (negative; zero in a denominator) makes the indicator NaN –
it is **never** treated as 0. So is a result that is not a finite number (an absurdly small denominator). :func:`missing_inputs` tells which inputs caused it. A zero in a numerator is a
real value (e.g. 0 clients → 0 clients per FTE).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ID_COLUMNS = ("service_id", "kind", "form")
REVENUE_COLUMNS = ("rev_users", "rev_health", "rev_municipal", "rev_founder", "rev_other")
NUMERIC_COLUMNS = (
    "costs",
    "fte_direct",
    "fte_other",
    "capacity",
    "bed_days",
    "clients",
    "contacts",
    "interventions",
    *REVENUE_COLUMNS,
)
ASSESSMENT_PREFIX = "assess_"

#: Czech labels of the input columns (for "missing input" messages).
INPUT_LABELS = {
    "costs": "celkové náklady",
    "fte_direct": "úvazky v přímé péči",
    "fte_other": "ostatní úvazky",
    "capacity": "kapacita",
    "bed_days": "lůžkodny",
    "clients": "počet klientů",
    "contacts": "počet kontaktů",
    "interventions": "počet intervencí",
    "rev_users": "úhrady uživatelů",
    "rev_health": "platby zdravotních pojišťoven",
    "rev_municipal": "příspěvky obcí",
    "rev_founder": "příspěvek zřizovatele",
    "rev_other": "ostatní zdroje",
}

#: (numerator columns, denominator columns) of each computed indicator; numerators are summed,
#: denominators too (the sum must be > 0).
FORMULAS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "cost_per_fte": (("costs",), ("fte_direct",)),
    "cost_per_bed_day": (("costs",), ("bed_days",)),
    "direct_care_share": (("fte_direct",), ("fte_direct", "fte_other")),
    "fte_per_capacity": (("fte_direct",), ("capacity",)),
    "occupancy": (("bed_days",), ("capacity",)),  # divided further by days in the year
    "clients_per_fte": (("clients",), ("fte_direct",)),
    "contacts_per_fte": (("contacts",), ("fte_direct",)),
    "interventions_per_fte": (("interventions",), ("fte_direct",)),
    "other_sources_share": (REVENUE_COLUMNS, ("costs",)),
}
COMPUTED_INDICATORS = tuple(FORMULAS)


def indicator_inputs(code: str) -> tuple[str, ...]:
    """Input columns an indicator needs (an entered ``assess_*`` indicator needs itself)."""
    if code in FORMULAS:
        num, den = FORMULAS[code]
        return tuple(dict.fromkeys(num + den))
    return (code,)


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    col = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    col = col.copy()
    col[~np.isfinite(col) | (col < 0)] = np.nan  # impossible values count as missing
    return col


def compute_indicators(frame: pd.DataFrame, *, days_in_year: int = 365) -> pd.DataFrame:
    """Indicator values per service (index = ``frame.index``), NaN where an input is missing or invalid.

    Columns: :data:`COMPUTED_INDICATORS` followed by every ``assess_*`` column of ``frame``.
    """
    cols = {name: _column(frame, name) for name in NUMERIC_COLUMNS}
    out: dict[str, np.ndarray] = {}
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for code, (num, den) in FORMULAS.items():
            n = cols[num[0]].copy()
            for c in num[1:]:
                n = n + cols[c]  # NaN propagates: a missing source makes the share missing
            d = cols[den[0]].copy()
            for c in den[1:]:
                d = d + cols[c]
            v = n / d
            v[~(d > 0) | ~np.isfinite(v)] = np.nan
            out[code] = v
        out["occupancy"] = out["occupancy"] / float(days_in_year)
    for name in frame.columns:
        if isinstance(name, str) and name.startswith(ASSESSMENT_PREFIX):
            out[name] = _column(frame, name)
    return pd.DataFrame(out, index=frame.index)


def missing_inputs(row: pd.Series | dict, code: str) -> list[str]:
    """Inputs (column names) that make indicator ``code`` missing for one service."""
    get = row.get
    bad = []
    for c in indicator_inputs(code):
        v = get(c)
        try:
            v = float(v)
        except (TypeError, ValueError):
            v = np.nan
        if not np.isfinite(v) or v < 0:
            bad.append(c)
    if not bad and code in FORMULAS:
        _, den = FORMULAS[code]
        if sum(float(get(c)) for c in den) <= 0:
            bad.extend(c for c in den if float(get(c)) == 0)
    return bad
