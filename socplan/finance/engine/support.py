"""Optimised cost (optimalizované náklady, ON) and optimal support (optimální podpora, OP) per network entry.

Formulas (domain.md §5.2, docs/financing.md §2), every term rounded to whole CZK half up *before* it is used:

- groups A/B (unit: direct-care FTE-month)::

      ON  = FP · U · M                  FP normative per FTE-month, U direct-care FTE, M months
      ÚH  = S · K · M                   S usual fee per user-month, K planned users
      SFo = round(r · ON)               r = the entry's municipal co-financing rate (network parameter)
      SFk = round(k · ON)               k = the kraj's own co-financing share of the group
      SF  = SFo + SFk                   mandatory co-financing
      OP  = max(0, ON − ÚH − SF)

- groups C/D (unit: bed-day)::

      LD  = L · D · O                   beds × days × occupancy = occupied bed-days (not rounded)
      ON  = FP · LD                     FP normative per bed-day
      ÚH  = Ú · LD                      Ú usual user fee per occupied bed-day
      ZP  = Z · LD                      Z health-insurance payment per occupied bed-day
      SF  = SFo + SFk                   as above
      OP  = max(0, ON − ÚH − ZP − SF)

  ``user_fees`` / ``health_insurance`` given on an entry (e.g. from the application, reflecting its
  residents' care-allowance degrees) replace ÚH / ZP (rounded to whole CZK).

Input: a pandas DataFrame, one row per network entry:

==================  ==========================================================================================
``service_id``      unique identifier (registration number)                                    required
``kind``            paragraph code of the kind, e.g. ``"49"``                                   required
``form``            ``"A"`` / ``"T"`` / ``"P"`` (outpatient / field / residential)              required unless
                                                                                                ``group`` given
``group``           financing group override (``"A"``–``"D"``)                                  optional
``fte``             direct-care FTE (≤ 4 decimals)                                              A/B rows
``months``          months financed (≤ 2 decimals; default ``params.months``)                   optional
``users``           planned users K (≤ 2 decimals; default 0)                                   optional
``beds``            beds (whole)                                                                C/D rows
``days``            days (whole; default days of the year)                                      optional
``occupancy``       occupancy override (≤ 4 decimals; default the kind's)                       optional
``user_fees``       planned user fees, CZK (≤ 2 decimals) replacing the normative fee           optional
``health_insurance`` planned health-insurance payments, CZK (≤ 2 decimals)                      optional
``municipal_rate``  r: the municipal co-financing rate as a share (≤ 4 decimals; default 0)    optional
``region_cofinancing_share`` k override for the entry (≤ 4 decimals)                           optional
==================  ==========================================================================================

Other columns (``tier``, ``weight``, ``district``, ``orp``, ``target_group``…) are kept for allocation and the
financial chapter. Numeric columns may hold ints, Decimals, strings or floats (floats are read through their
shortest repr, so ``2.35`` is 2.35); a value with more decimals than allowed is an error, never silently
rounded.

Computation is vectorised in scaled integers (haléře, 10⁻⁴ FTE …), so it is exact: the result equals the
per-entry Decimal computation of :mod:`socplan.finance.engine.reference` to the crown (a property test checks
it). Products that could overflow int64 fall back to Python integers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd

from socplan.core.money import format_number, to_decimal

from .cofinancing import required_shares
from .params import (
    GROUP_LABEL,
    GROUP_UNIT,
    RATE_DIGITS,
    SHARE_DIGITS,
    UNIT_LABEL,
    FinanceParams,
    Form,
    Group,
    Unit,
)

FORM_LABEL = {Form.OUTPATIENT.value: "ambulantní", Form.FIELD.value: "terénní", Form.RESIDENTIAL.value: "pobytová"}

# decimals accepted per input column
DIGITS = {
    "fte": 4, "months": 2, "users": 2, "beds": 0, "days": 0, "occupancy": SHARE_DIGITS,
    "user_fees": 2, "health_insurance": 2, "municipal_rate": SHARE_DIGITS, "region_cofinancing_share": SHARE_DIGITS,
}
AMOUNTS = ("optimised_cost", "user_fees", "health_insurance", "municipal_cofinancing", "region_cofinancing",
           "cofinancing", "optimal_support")
AMOUNT_LABEL = {
    "optimised_cost": "optimalizované náklady",
    "user_fees": "úhrady uživatelů",
    "health_insurance": "platby zdravotních pojišťoven",
    "municipal_cofinancing": "spolufinancování obcí",
    "region_cofinancing": "spolufinancování kraje",
    "cofinancing": "povinné spolufinancování",
    "optimal_support": "optimální podpora",
}
_INT64_SAFE = 2**62


class InputError(ValueError):
    """A network frame that the engine cannot use (the message names the offending services)."""


# --- exact scaled-integer helpers ---------------------------------------------------------------------------

def _missing(v) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def scaled_column(df: pd.DataFrame, name: str, digits: int) -> tuple[np.ndarray, np.ndarray]:
    """Column ``name`` as int64 in units of 10⁻``digits`` and a mask of present values. Exact or an error."""
    n = len(df)
    if name not in df.columns:
        return np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
    col = df[name]
    ids = df["service_id"].to_numpy()
    unit = 10**digits
    if pd.api.types.is_bool_dtype(col):
        raise InputError(f"{name}: booleans are not numbers")
    if pd.api.types.is_integer_dtype(col) and not col.isna().any():
        values = col.to_numpy(dtype=np.int64)
        if (values < 0).any():
            raise InputError(f"{name}: negative values at {list(ids[values < 0][:5])}")
        if values.size and int(values.max()) >= _INT64_SAFE // unit:
            raise InputError(f"{name}: value too large")
        return values * unit, np.ones(n, dtype=bool)
    if pd.api.types.is_numeric_dtype(col):
        values = col.to_numpy(dtype=float, na_value=np.nan)
        present = ~np.isnan(values)
        scaled = np.where(present, values, 0.0) * unit
        rounded = np.rint(scaled)
        bad = present & (np.abs(scaled - rounded) > 1e-6 + 1e-12 * np.abs(scaled))
        if bad.any():
            raise InputError(f"{name}: more than {digits} decimal places at {list(ids[bad][:5])}")
        if (rounded < 0).any():
            raise InputError(f"{name}: negative values at {list(ids[rounded < 0][:5])}")
        if (np.abs(rounded) >= 2**53).any():
            raise InputError(f"{name}: value too large for a float column; pass Decimals or strings")
        return rounded.astype(np.int64), present
    out = np.zeros(n, dtype=np.int64)
    present = np.zeros(n, dtype=bool)
    for i, v in enumerate(col.tolist()):
        if _missing(v):
            continue
        try:
            d = to_decimal(v)
        except (ArithmeticError, TypeError, ValueError):  # decimal.InvalidOperation is an ArithmeticError
            raise InputError(f"{name}: {v!r} of {ids[i]} is not a number") from None
        if not d.is_finite():
            continue
        s = d.scaleb(digits)
        if s != s.to_integral_value():
            raise InputError(f"{name}: {v} of {ids[i]} has more than {digits} decimal places")
        if s < 0:
            raise InputError(f"{name}: negative value {v} of {ids[i]}")
        if s >= _INT64_SAFE:
            raise InputError(f"{name}: value {v} of {ids[i]} too large")
        out[i] = int(s)
        present[i] = True
    return out, present


def _prod(*arrays: np.ndarray) -> np.ndarray:
    """Exact elementwise product: int64 when it provably cannot overflow, Python ints otherwise."""
    bound = 1
    for a in arrays:
        bound *= int(a.max()) if a.size else 0
    if bound < _INT64_SAFE:
        out = arrays[0].astype(np.int64)
        for a in arrays[1:]:
            out = out * a
        return out
    out = arrays[0].astype(object)
    for a in arrays[1:]:
        out = out * a.astype(object)
    return out


def round_half_up(x: np.ndarray, digits: int) -> np.ndarray:
    """Non-negative integers in units of 10⁻``digits`` → whole units, half up (exactly ROUND_HALF_UP)."""
    if digits == 0:
        return np.asarray(x).astype(np.int64)
    unit = 10**digits
    out = (x + unit // 2) // unit
    return np.asarray(out.tolist() if out.dtype == object else out, dtype=np.int64)


# --- result -------------------------------------------------------------------------------------------------

@dataclass(eq=False)
class SupportResult:
    """Amounts per entry as int64 whole CZK (exact); Decimal accessors for everything public."""

    params: FinanceParams
    frame: pd.DataFrame
    group: np.ndarray  # object array of Group
    optimised_cost: np.ndarray
    user_fees: np.ndarray
    health_insurance: np.ndarray
    municipal_cofinancing: np.ndarray  # SFo = round(r · ON), the municipalities' required share
    region_cofinancing: np.ndarray  # SFk = round(k · ON), the kraj's own co-financing
    cofinancing: np.ndarray  # SF = SFo + SFk
    optimal_support: np.ndarray
    raw: dict[str, np.ndarray] = field(repr=False)  # scaled inputs actually used (for explanations)
    _index: dict | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def service_ids(self) -> np.ndarray:
        return self.frame["service_id"].to_numpy()

    @property
    def kinds(self) -> np.ndarray:
        return self.frame["kind"].astype(str).to_numpy()

    def index_of(self, service_id) -> int:
        if self._index is None:
            self._index = {sid: i for i, sid in enumerate(self.service_ids.tolist())}
        try:
            return self._index[service_id]
        except KeyError:
            raise KeyError(f"no network entry {service_id!r}") from None

    def amount(self, name: str, service_id) -> Decimal:
        return Decimal(int(getattr(self, name)[self.index_of(service_id)]))

    def record(self, service_id) -> dict:
        """``{"service_id", "group", <amounts as Decimal>}`` of one entry."""
        i = self.index_of(service_id)
        out = {"service_id": service_id, "group": self.group[i]}
        out.update({name: Decimal(int(getattr(self, name)[i])) for name in AMOUNTS})
        return out

    def totals(self) -> dict[str, Decimal]:
        return {name: Decimal(int(getattr(self, name).sum(dtype=np.int64))) for name in AMOUNTS}

    def to_frame(self) -> pd.DataFrame:
        """Identifiers, attributes and the amounts (int64 whole CZK) as a DataFrame."""
        out = self.frame.copy()
        out["group"] = [g.value for g in self.group]
        for name in AMOUNTS:
            out[name] = getattr(self, name)
        return out

    def explain(self, service_id) -> str:
        """The formulas with this entry's numbers filled in (Czech), built on request."""
        return explain_entry(self, self.index_of(service_id))


# --- computation --------------------------------------------------------------------------------------------

def compute_support(frame: pd.DataFrame, params: FinanceParams) -> SupportResult:
    """Optimised cost and optimal support of every row of ``frame`` (see the module docstring)."""
    df = frame.reset_index(drop=True)
    for col in ("service_id", "kind"):
        if col not in df.columns:
            raise InputError(f"column {col!r} is required")
    if df["service_id"].duplicated().any():
        dup = df["service_id"][df["service_id"].duplicated()].tolist()[:5]
        raise InputError(f"duplicate service_id: {dup}")
    n = len(df)
    ids = df["service_id"].to_numpy()
    kinds = df["kind"].astype(str).to_numpy()
    groups = _groups(df, kinds, params)

    # per-(kind, group) rates, mapped onto rows through factorised keys
    keys = pd.Series([f"{k}|{g.value}" for k, g in zip(kinds, groups, strict=True)], dtype=object)
    codes, uniques = pd.factorize(keys)
    fp = np.zeros(len(uniques), dtype=np.int64)
    occ = np.zeros(len(uniques), dtype=np.int64)
    fee = np.zeros(len(uniques), dtype=np.int64)
    zp = np.zeros(len(uniques), dtype=np.int64)
    for j, key in enumerate(uniques):
        kind, g = key.split("|")
        try:
            rate = params.rate(kind, Group(g))
        except KeyError as exc:
            bad = ids[codes == j][:5]
            raise InputError(f"{exc.args[0]} (services {list(bad)})") from None
        fp[j] = int(rate.normative.scaleb(RATE_DIGITS))
        occ[j] = int(rate.occupancy.scaleb(SHARE_DIGITS))
        fee[j] = int(rate.user_fee.scaleb(RATE_DIGITS))
        zp[j] = int(rate.health_insurance.scaleb(RATE_DIGITS))
    fp, occ, fee, zp = fp[codes], occ[codes], fee[codes], zp[codes]

    bed = np.array([GROUP_UNIT[g] == Unit.BED_DAY for g in groups], dtype=bool)
    cols = {name: scaled_column(df, name, digits) for name, digits in DIGITS.items()}

    def need(name: str, mask: np.ndarray):
        values, present = cols[name]
        missing = mask & ~present
        if missing.any():
            raise InputError(f"{name} is required for {list(ids[missing][:5])}")
        return values

    def default(name: str, value: int):
        values, present = cols[name]
        return np.where(present, values, value)

    fte = np.where(bed, 0, need("fte", ~bed))
    months = np.where(bed, 0, default("months", int(params.months.scaleb(2))))
    users = np.where(bed, 0, default("users", 0))
    beds = np.where(bed, need("beds", bed), 0)
    days = np.where(bed, default("days", params.days_in_year), 0)
    occ_given, occ_present = cols["occupancy"]
    occupancy = np.where(bed, np.where(occ_present, occ_given, occ), 0)
    if (occupancy > 10**SHARE_DIGITS).any():
        raise InputError(f"occupancy above 1 at {list(ids[occupancy > 10**SHARE_DIGITS][:5])}")
    rate = default("municipal_rate", 0)
    if (rate > 10**SHARE_DIGITS).any():
        raise InputError(f"municipal_rate above 1 at {list(ids[rate > 10**SHARE_DIGITS][:5])}")
    k_group = {g: int(params.region_cofinancing[g].scaleb(SHARE_DIGITS)) for g in Group}
    k = np.where(cols["region_cofinancing_share"][1], cols["region_cofinancing_share"][0],
                 np.array([k_group[g] for g in groups], dtype=np.int64))
    if (k > 10**SHARE_DIGITS).any():
        raise InputError("region_cofinancing_share above 1")

    # A/B: FP(10⁻²)·U(10⁻⁴)·M(10⁻²) → 10⁻⁸ ; S(10⁻²)·K(10⁻²)·M(10⁻²) → 10⁻⁶
    on_fte = round_half_up(_prod(fp, fte, months), 8)
    fees_fte = round_half_up(_prod(fee, users, months), 6)
    # C/D: FP(10⁻²)·L·D·O(10⁻⁴) → 10⁻⁶
    on_bed = round_half_up(_prod(fp, beds, days, occupancy), 6)
    fees_bed = round_half_up(_prod(fee, beds, days, occupancy), 6)
    hi_bed = round_half_up(_prod(zp, beds, days, occupancy), 6)

    on = np.where(bed, on_bed, on_fte)
    fees = np.where(bed, fees_bed, fees_fte)
    hi = np.where(bed, hi_bed, 0)
    fee_amount, fee_given = cols["user_fees"]
    hi_amount, hi_given = cols["health_insurance"]
    fees = np.where(fee_given, round_half_up(fee_amount, 2), fees)
    hi = np.where(hi_given, round_half_up(hi_amount, 2), hi)
    municipal = required_shares(on, rate)  # the one definition of the municipalities' required share
    region = required_shares(on, k)
    cofin = municipal + region
    support = np.maximum(on - fees - hi - cofin, 0)

    raw = {
        "fp": fp, "fee": fee, "zp": zp, "fte": fte, "months": months, "users": users, "beds": beds,
        "days": days, "occupancy": occupancy, "rate": rate, "k": k, "fees_given": fee_given,
        "hi_given": hi_given, "fee_amount": fee_amount, "hi_amount": hi_amount,
    }
    assert len(on) == n
    return SupportResult(params, df, groups, on.astype(np.int64), fees.astype(np.int64), hi.astype(np.int64),
                         municipal.astype(np.int64), region.astype(np.int64), cofin.astype(np.int64),
                         support.astype(np.int64), raw)


def _groups(df: pd.DataFrame, kinds: np.ndarray, params: FinanceParams) -> np.ndarray:
    n = len(df)
    given = df["group"].tolist() if "group" in df.columns else [None] * n
    forms = df["form"].tolist() if "form" in df.columns else [None] * n
    cache: dict = {}
    out = np.empty(n, dtype=object)
    for i in range(n):
        g = given[i]
        if not _missing(g):
            try:
                out[i] = Group(str(g))
            except ValueError:
                raise InputError(f"unknown group {g!r} of {df['service_id'].iat[i]}") from None
            continue
        key = (kinds[i], forms[i])
        if key not in cache:
            if _missing(forms[i]):
                raise InputError(f"form or group required for {df['service_id'].iat[i]}")
            try:
                cache[key] = params.group_of(kinds[i], str(forms[i]))
            except (KeyError, ValueError) as exc:
                raise InputError(f"{exc.args[0]} (service {df['service_id'].iat[i]})") from None
        out[i] = cache[key]
    return out


# --- explanations -------------------------------------------------------------------------------------------

def num(d: Decimal) -> str:
    """Czech number with as many decimals as it needs: 2,3333 / 12 / 9 307,5."""
    d = to_decimal(d)
    exp = d.normalize().as_tuple().exponent
    return format_number(d, max(0, -int(exp)))


def kc(d) -> str:
    return num(to_decimal(d)) + "\xa0Kč"


def _rounded(exact: Decimal, whole: int) -> str:
    return kc(whole) if exact == whole else f"{kc(exact)} → {kc(whole)}"


def explain_entry(res: SupportResult, i: int) -> str:
    r = res.raw
    g: Group = res.group[i]
    unit = GROUP_UNIT[g]
    row = res.frame.iloc[i]
    kind = str(row["kind"])
    kind_obj = res.params.kinds.get(kind)
    form = row.get("form") if "form" in res.frame.columns else None
    head = f"Služba {row['service_id']}: §{kind}"
    if kind_obj is not None:
        head += f" {kind_obj.name}"
    if not _missing(form) and str(form) in FORM_LABEL:
        head += f", forma {FORM_LABEL[str(form)]}"
    head += f"; skupina {g.value} ({GROUP_LABEL[g]}), jednotka {UNIT_LABEL[unit]}."
    lines = [head]

    def dec(name: str, digits: int) -> Decimal:
        return Decimal(int(r[name][i])).scaleb(-digits)

    on, fees, hi = int(res.optimised_cost[i]), int(res.user_fees[i]), int(res.health_insurance[i])
    cofin, op = int(res.cofinancing[i]), int(res.optimal_support[i])
    municipal, region = int(res.municipal_cofinancing[i]), int(res.region_cofinancing[i])
    fp, rate, k_share = dec("fp", 2), dec("rate", SHARE_DIGITS), dec("k", SHARE_DIGITS)
    if unit == Unit.FTE_MONTH:
        u, m, k, s = dec("fte", 4), dec("months", 2), dec("users", 2), dec("fee", 2)
        lines.append(f"Optimalizované náklady ON = FP × U × M = {kc(fp)} × {num(u)} × {num(m)} = "
                     f"{_rounded(fp * u * m, on)}")
        if r["fees_given"][i]:
            lines.append(f"Úhrady uživatelů (dle žádosti) = {_rounded(dec('fee_amount', 2), fees)}")
        else:
            lines.append(f"Úhrady uživatelů ÚH = S × K × M = {kc(s)} × {num(k)} × {num(m)} = "
                         f"{_rounded(s * k * m, fees)}")
    else:
        beds, days, o = dec("beds", 0), dec("days", 0), dec("occupancy", SHARE_DIGITS)
        ld = beds * days * o
        lines.append(f"Obsazené lůžkodny LD = L × D × O = {num(beds)} × {num(days)} × {num(o)} = {num(ld)}")
        lines.append(f"Optimalizované náklady ON = FP × LD = {kc(fp)} × {num(ld)} = {_rounded(fp * ld, on)}")
        if r["fees_given"][i]:
            lines.append(f"Úhrady uživatelů (dle žádosti) = {_rounded(dec('fee_amount', 2), fees)}")
        else:
            uf = dec("fee", 2)
            lines.append(f"Úhrady uživatelů ÚH = Ú × LD = {kc(uf)} × {num(ld)} = {_rounded(uf * ld, fees)}")
    if unit == Unit.BED_DAY or r["hi_given"][i]:
        if r["hi_given"][i]:
            lines.append(f"Platby zdravotních pojišťoven (dle žádosti) = {_rounded(dec('hi_amount', 2), hi)}")
        else:
            z = dec("zp", 2)
            lines.append(f"Platby zdravotních pojišťoven ZP = Z × LD = {kc(z)} × {num(ld)} = {_rounded(z * ld, hi)}")
    lines.append(f"Spolufinancování obcí SFo = sazba × ON = {num(rate * 100)} % × {kc(on)} = "
                 f"{_rounded(rate * on, municipal)}")
    if k_share or region:
        lines.append(f"Spolufinancování kraje SFk = {num(k_share * 100)} % × {kc(on)} = "
                     f"{_rounded(k_share * on, region)}")
        lines.append(f"Povinné spolufinancování SF = SFo + SFk = {num(municipal)} + {num(region)} = {kc(cofin)}")
    else:
        lines.append(f"Povinné spolufinancování SF = SFo = {kc(cofin)}")
    terms = [num(on), num(fees)] + ([num(hi)] if (unit == Unit.BED_DAY or r["hi_given"][i]) else []) + [num(cofin)]
    names = "ON − ÚH − ZP − SF" if len(terms) == 4 else "ON − ÚH − SF"
    diff = on - fees - hi - cofin
    if diff >= 0:
        lines.append(f"Optimální podpora OP = {names} = {' − '.join(terms)} = {kc(op)}")
    else:
        lines.append(f"Optimální podpora OP = max(0; {names}) = max(0; {' − '.join(terms)}) = 0\xa0Kč "
                     f"(ostatní zdroje převyšují náklady o {kc(-diff)})")
    lines.append("Každá položka je zaokrouhlena na celé koruny (matematicky, polovina nahoru).")
    return "\n".join(lines)
