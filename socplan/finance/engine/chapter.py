"""Financial chapter of the plan: network costs and sources by kind, group, target group, district and ORP.

All functions take a *frame* — one row per network entry with whole-CZK amount columns (ints or whole
Decimals), e.g. ``SupportResult.to_frame()`` or rows read from the database — and return DataFrames of
Decimal amounts. Sums are exact integer sums, so every table reconciles to the crown: the ``"Celkem"`` row
equals the sum of the rows, and the sources of an entry add up to its optimised cost.

Sources of one entry's optimised cost ON (docs/financing.md §4)::

    municipalities   = min(SFo, ON)                        the required municipal co-financing, in full
    users            = min(ÚH, ON − municipalities)
    health_insurance = min(ZP, ON − municipalities − users)
    region           = min(SFk, ON − municipalities − users − health_insurance)   the kraj's own co-financing
    other            = 0                                   (no formula term; planned sources only)
    state            = the rest                            (= the optimal support OP)

The municipalities come first because their share is a condition of the network (rate × ON ≤ 20 % of ON), so
the chapter's "municipalities" are always the co-financing statement's total, to the crown.

The state need is therefore *computed*: ON minus every other source, each by its stated rule
(:data:`SOURCE_RULES`, per kind and form in :func:`sources_table` with ``by=("kind", "form")``); its share of ON
is a result (:func:`computed_sources`), never a parameter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from socplan.core.money import largest_remainder, to_decimal

from .params import FinanceParams, Source

DIMENSIONS = ("kind", "group", "target_group", "district", "orp")
COST_COLUMNS = ("optimised_cost", "user_fees", "health_insurance", "cofinancing", "optimal_support")
SOURCE_COLUMNS = ("state", "region", "municipalities", "users", "health_insurance", "other")
TOTAL = "Celkem"
SOURCE_RULES = {
    "municipalities": "spolufinancování obcí = sazba sítě podle druhu, formy a úrovně položky × optimalizované "
                      "náklady (celé Kč); totéž pravidlo jako výkaz spolufinancování obcí",
    "users": "úhrady uživatelů: skupiny A/B obvyklá úhrada druhu na uživatele a měsíc × uživatelé × měsíce, "
             "skupiny C/D úhrada druhu na obsazený lůžkoden × obsazené lůžkodny; částka ze žádosti, je-li uvedena",
    "health_insurance": "platby zdravotních pojišťoven: skupiny C/D platba druhu na obsazený lůžkoden × obsazené "
                        "lůžkodny; skupiny A/B 0 Kč, není-li částka ze žádosti",
    "region": "spolufinancování kraje = podíl kraje ve finanční skupině (A–D) × optimalizované náklady (celé Kč)",
    "other": "ostatní zdroje: 0 Kč – vzorce optimální podpory s jinými zdroji nepočítají",
    "state": "potřeba ze státního rozpočtu = optimalizované náklady − obce − úhrady uživatelů − zdravotní "
             "pojišťovny − kraj − ostatní, nejméně 0 Kč (převyšují-li ostatní zdroje náklady, krátí se úhrady, "
             "pojišťovny a kraj v tomto pořadí); výsledek, ne parametr",
}
_REST_ORDER = (Source.REGION, Source.USERS, Source.HEALTH_INSURANCE, Source.OTHER)


def money_column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A whole-CZK column as int64 (exact; Decimals must be whole crowns)."""
    col = frame[name]
    if pd.api.types.is_integer_dtype(col) and not col.isna().any():
        return col.to_numpy(dtype=np.int64)
    out = np.empty(len(col), dtype=np.int64)
    for i, v in enumerate(col.tolist()):
        d = to_decimal(0 if v is None or (isinstance(v, float) and np.isnan(v)) else v)
        if d != d.to_integral_value():
            raise ValueError(f"{name}: {v} is not whole crowns")
        out[i] = int(d)
    return out


def share_pct(part, whole, decimals: int = 2) -> Decimal | None:
    """``part / whole`` in per cent, rounded half up (None when ``whole`` is 0)."""
    part, whole = to_decimal(part), to_decimal(whole)
    if whole == 0:
        return None
    return (part * 100 / whole).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


def source_split(frame: pd.DataFrame, params: FinanceParams | None = None) -> dict[str, np.ndarray]:
    """Per entry: the six sources (int64 whole CZK) adding up exactly to its optimised cost.

    ``frame`` needs ``optimised_cost``, ``user_fees``, ``health_insurance``, ``municipal_cofinancing`` (SFo)
    and ``region_cofinancing`` (SFk) — e.g. ``SupportResult.to_frame()``. ``params`` is not used (the split of
    the co-financing is no parameter any more); it is accepted so that every chapter function has one signature.
    """
    on = money_column(frame, "optimised_cost")
    fees = money_column(frame, "user_fees")
    hi = money_column(frame, "health_insurance")
    muni_sf = money_column(frame, "municipal_cofinancing")
    region_sf = money_column(frame, "region_cofinancing")
    municipalities = np.minimum(muni_sf, on)
    users = np.minimum(fees, on - municipalities)
    health = np.minimum(hi, on - municipalities - users)
    region = np.minimum(region_sf, on - municipalities - users - health)
    state = on - municipalities - users - health - region
    return {
        "state": state, "region": region, "municipalities": municipalities, "users": users,
        "health_insurance": health, "other": np.zeros(len(on), dtype=np.int64),
    }


def _table(frame: pd.DataFrame, by: str | Sequence[str], columns: Mapping[str, np.ndarray], total: bool,
           count: bool = True) -> pd.DataFrame:
    keys = [by] if isinstance(by, str) else list(by)
    for k in keys:
        if k not in frame.columns:
            raise KeyError(f"column {k!r} not in the frame")
    data = {k: frame[k].astype(object).where(frame[k].notna(), "–").astype(str).to_numpy() for k in keys}
    data.update(columns)
    df = pd.DataFrame(data)
    agg = df.groupby(keys, sort=True)[list(columns)].sum()
    if count:
        agg.insert(0, "services", df.groupby(keys, sort=True).size())
    agg = agg.reset_index()
    if total:
        row = {k: TOTAL if j == 0 else "" for j, k in enumerate(keys)}
        row.update({c: int(agg[c].sum()) for c in agg.columns if c not in keys})
        agg = pd.concat([agg, pd.DataFrame([row])], ignore_index=True)
    for c in columns:
        agg[c] = [Decimal(int(v)) for v in agg[c]]
    if count:
        agg["services"] = agg["services"].astype(int)
    return agg


def cost_table(frame: pd.DataFrame, by: str | Sequence[str] = "kind", *, total: bool = True) -> pd.DataFrame:
    """Optimised costs, fees, health insurance, co-financing and state need (= OP) with the state share in %.

    If the frame has an ``allocated`` column it is summed too.
    """
    cols = {c: money_column(frame, c) for c in COST_COLUMNS}
    if "allocated" in frame.columns:
        cols["allocated"] = money_column(frame, "allocated")
    out = _table(frame, by, cols, total)
    out["state_share_pct"] = [share_pct(s, o) for s, o in zip(out["optimal_support"], out["optimised_cost"], strict=True)]
    return out


def sources_table(frame: pd.DataFrame, params: FinanceParams, by: str | Sequence[str] = "kind", *,
                  total: bool = True) -> pd.DataFrame:
    """Optimised cost and its six sources per group; each row's sources add up to its optimised cost."""
    split = source_split(frame, params)
    cols = {"optimised_cost": money_column(frame, "optimised_cost")}
    cols.update({c: split[c] for c in SOURCE_COLUMNS})
    return _table(frame, by, cols, total)


def computed_sources(frame: pd.DataFrame) -> list[dict]:
    """Every source of the network's optimised cost with its rule: ``[{key, amount, pct, rule}]`` (amounts
    Decimal whole CZK adding up exactly to ON; ``pct`` of ON, 2 decimals). The state comes first: ON − the others.
    """
    split = source_split(frame)
    on = int(money_column(frame, "optimised_cost").sum())
    out = []
    for key in SOURCE_COLUMNS:
        amount = Decimal(int(split[key].sum()))
        out.append({"key": key, "amount": amount, "pct": share_pct(amount, on), "rule": SOURCE_RULES[key]})
    assert sum(r["amount"] for r in out) == on  # the parts reconcile to the crown
    return out


def planned_sources(total_cost, params: FinanceParams, municipalities=0) -> dict[str, Decimal]:
    """The planned sources of the network's optimised cost ``total_cost`` (whole CZK; the parts add up exactly):

    - municipalities = ``municipalities``, the required municipal co-financing (the co-financing statement's
      total), at most ON;
    - state = the planned state share × ON (half up), at most what the municipalities leave;
    - region, users, health insurance, other = the rest, in proportion to their planned shares (largest
      remainder; ties in this order; all to "other" when the four shares are 0).
    """
    on = to_decimal(total_cost)
    muni = min(to_decimal(municipalities), on)
    state_share = params.source_shares.get(Source.STATE, Decimal(0))
    state = min((state_share * on).quantize(Decimal(1), ROUND_HALF_UP), on - muni)
    rest = on - muni - state
    weights = [params.source_shares.get(s, Decimal(0)) for s in _REST_ORDER]
    if sum(weights, Decimal(0)) == 0:
        weights = [Decimal(0)] * (len(_REST_ORDER) - 1) + [Decimal(1)]
    parts = largest_remainder(rest, weights)
    out = {Source.STATE.value: state, Source.MUNICIPALITIES.value: muni}
    out.update({s.value: p for s, p in zip(_REST_ORDER, parts, strict=True)})
    return {s.value: out[s.value] for s in (Source.STATE, Source.REGION, Source.MUNICIPALITIES, Source.USERS,
                                            Source.HEALTH_INSURANCE, Source.OTHER)}


def state_need(frame: pd.DataFrame) -> dict[str, Decimal | None]:
    """``{"optimised_cost", "state_need", "state_share_pct"}`` of the whole network: the state need is ON − every
    other source (:func:`source_split`), its share of ON the result."""
    on = Decimal(int(money_column(frame, "optimised_cost").sum()))
    state = Decimal(int(source_split(frame)["state"].sum()))
    return {"optimised_cost": on, "state_need": state, "state_share_pct": share_pct(state, on)}


def year_on_year(previous: pd.DataFrame, current: pd.DataFrame, by: str | Sequence[str],
                 columns: Sequence[str] = ("optimised_cost", "optimal_support")) -> pd.DataFrame:
    """Two tables of the same shape (e.g. :func:`cost_table` of two years) joined on ``by``.

    For each column: ``<c>_previous``, ``<c>_current``, ``<c>_delta`` (Decimal) and ``<c>_change_pct``
    (per cent, 2 decimals, None when the previous value is 0). Rows present in one year only count 0 in the other.
    """
    keys = [by] if isinstance(by, str) else list(by)
    a = previous[keys + list(columns)].rename(columns={c: f"{c}_previous" for c in columns})
    b = current[keys + list(columns)].rename(columns={c: f"{c}_current" for c in columns})
    m = a.merge(b, on=keys, how="outer")
    is_total = m[keys[0]] == TOTAL
    m = pd.concat([m[~is_total].sort_values(keys, key=lambda s: s.astype(str)), m[is_total]], ignore_index=True)
    for c in columns:
        prev = [to_decimal(v) if isinstance(v, (int, Decimal)) else Decimal(0) for v in m[f"{c}_previous"]]
        cur = [to_decimal(v) if isinstance(v, (int, Decimal)) else Decimal(0) for v in m[f"{c}_current"]]
        m[f"{c}_previous"] = prev
        m[f"{c}_current"] = cur
        m[f"{c}_delta"] = [y - x for x, y in zip(prev, cur, strict=True)]
        m[f"{c}_change_pct"] = [share_pct(y - x, x) for x, y in zip(prev, cur, strict=True)]
    return m
