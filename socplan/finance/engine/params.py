"""Yearly financing parameters of one region (kraj): groups, units, normatives, occupancy, fees, shares.

The municipal co-financing rate is *not* here: it is the network's yearly parameter (per entry: kind, form and
tier), handed to the engine as the ``municipal_rate`` column of the network frame. Here is only the kraj's own
co-financing share (``region_cofinancing``, per group), a separate source.

Everything here changes from year to year (domain.md §5.3, §9), so nothing is a constant in the formulas:
the engine takes a :class:`FinanceParams` and the Django layer stores one per region and year.

Financing groups (JMK Pravidla 2023, domain.md §5.3):

====  =======================================================  ============================
A     prevention and specialised counselling, outpatient/field  unit: direct-care FTE-month
B     care, outpatient/field                                    unit: direct-care FTE-month
C     prevention, residential                                   unit: bed-day
D     care, residential                                         unit: bed-day
====  =======================================================  ============================

A kind (druh, identified by its paragraph of Act 108/2006, e.g. ``"49"``) may fall into two groups by form:
``§44`` odlehčovací služby is B when outpatient/field and D when residential. The group therefore belongs to the
pair (kind, form); :meth:`FinanceParams.group_of` derives it from the kind's category and the form, and
``group_overrides`` can change single pairs.

Precision accepted (so the vectorised engine can compute exactly in scaled integers):
normatives, fee and health-insurance rates in haléře (2 decimals); shares, occupancy and ``a`` with at most
4 decimals.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from socplan.core.money import to_decimal

RATE_DIGITS = 2  # normatives / fee rates: haléře
SHARE_DIGITS = 4  # a, occupancy, shares: 0.0001


class Group(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


class Unit(StrEnum):
    FTE_MONTH = "fte_month"  # úvazek-měsíc pracovníka v přímé péči
    BED_DAY = "bed_day"  # lůžkoden


class Form(StrEnum):
    OUTPATIENT = "A"  # ambulantní
    FIELD = "T"  # terénní
    RESIDENTIAL = "P"  # pobytová


class Category(StrEnum):
    COUNSELLING = "poradenstvi"
    CARE = "pece"
    PREVENTION = "prevence"


class Source(StrEnum):
    STATE = "state"  # dotace ze státního rozpočtu (§101a, přes kraj)
    REGION = "region"  # rozpočet kraje
    MUNICIPALITIES = "municipalities"  # obce
    USERS = "users"  # úhrady uživatelů
    HEALTH_INSURANCE = "health_insurance"  # zdravotní pojišťovny
    OTHER = "other"  # ostatní zdroje


GROUP_UNIT = {Group.A: Unit.FTE_MONTH, Group.B: Unit.FTE_MONTH, Group.C: Unit.BED_DAY, Group.D: Unit.BED_DAY}

GROUP_LABEL = {
    Group.A: "prevence a odborné poradenství, ambulantní a terénní",
    Group.B: "péče, ambulantní a terénní",
    Group.C: "prevence, pobytové",
    Group.D: "péče, pobytové",
}
UNIT_LABEL = {Unit.FTE_MONTH: "úvazek-měsíc pracovníka v přímé péči", Unit.BED_DAY: "lůžkoden"}
SOURCE_LABEL = {
    Source.STATE: "státní rozpočet",
    Source.REGION: "kraj",
    Source.MUNICIPALITIES: "obce",
    Source.USERS: "úhrady uživatelů",
    Source.HEALTH_INSURANCE: "zdravotní pojišťovny",
    Source.OTHER: "ostatní",
}


@dataclass(frozen=True)
class Kind:
    """One kind of social service (druh sociální služby)."""

    code: str  # paragraph of Act 108/2006, e.g. "49", "60a"
    name: str
    category: Category
    forms: tuple[Form, ...]


@dataclass(frozen=True)
class Rate:
    """Normative of one (kind, group).

    Groups A/B: ``normative`` = FP per direct-care FTE per month; ``user_fee`` = S, the usual fee per user per
    month (non-zero only where fees are deducted, e.g. tísňová péče); occupancy and health insurance unused.
    Groups C/D: ``normative`` per bed-day; ``occupancy`` = expected average occupancy (obložnost);
    ``user_fee`` and ``health_insurance`` per *occupied* bed-day.
    """

    normative: Decimal
    occupancy: Decimal = Decimal(1)
    user_fee: Decimal = Decimal(0)
    health_insurance: Decimal = Decimal(0)

    def __post_init__(self):
        for name, digits in (("normative", RATE_DIGITS), ("user_fee", RATE_DIGITS),
                             ("health_insurance", RATE_DIGITS), ("occupancy", SHARE_DIGITS)):
            value = to_decimal(getattr(self, name))
            _check_digits(value, digits, name)
            if value < 0:
                raise ValueError(f"{name} must not be negative")
            object.__setattr__(self, name, value)
        if not (0 < self.occupancy <= 1):
            raise ValueError("occupancy must be in (0, 1]")


@dataclass(frozen=True, eq=False)
class FinanceParams:
    """The financing parameters of one region and year."""

    region: str
    year: int
    kinds: Mapping[str, Kind]
    rates: Mapping[tuple[str, Group], Rate]
    source_shares: Mapping[Source, Decimal]  # planned shares: state of ON; the others divide the rest (chapter)
    region_cofinancing: Mapping[Group, Decimal] = field(default_factory=dict)  # kraj's own share of ON per group
    months: Decimal = Decimal(12)
    days: int | None = None  # bed-days basis; None = days of the calendar year
    group_overrides: Mapping[tuple[str, str], Group] = field(default_factory=dict)
    illustrative: bool = False  # True when the values are not the region's real ones
    note: str = ""

    def __post_init__(self):
        region = {Group(g): to_decimal(v) for g, v in self.region_cofinancing.items()}
        object.__setattr__(self, "region_cofinancing", {g: region.get(g, Decimal(0)) for g in Group})
        object.__setattr__(self, "source_shares", {Source(s): to_decimal(v) for s, v in self.source_shares.items()})
        object.__setattr__(self, "rates", {(str(k), Group(g)): r for (k, g), r in self.rates.items()})
        object.__setattr__(self, "group_overrides",
                           {(str(k), str(f)): Group(g) for (k, f), g in self.group_overrides.items()})
        object.__setattr__(self, "months", to_decimal(self.months))
        self.validate()

    # --- derived -------------------------------------------------------------------------------------------
    @property
    def days_in_year(self) -> int:
        if self.days is not None:
            return int(self.days)
        return 366 if calendar.isleap(self.year) else 365

    def group_of(self, kind: str, form: str) -> Group:
        """Financing group of a kind in a form (residential → C/D, otherwise A/B by category)."""
        kind, form = str(kind), str(form)
        if (kind, form) in self.group_overrides:
            return self.group_overrides[(kind, form)]
        try:
            k = self.kinds[kind]
        except KeyError:
            raise KeyError(f"unknown kind {kind!r}") from None
        return derive_group(k, form)

    def rate(self, kind: str, group: Group) -> Rate:
        try:
            return self.rates[(str(kind), Group(group))]
        except KeyError:
            raise KeyError(f"no normative for kind §{kind}, group {group}") from None

    # --- checks --------------------------------------------------------------------------------------------
    def validate(self) -> None:
        for name, mapping in (("region_cofinancing", self.region_cofinancing),
                              ("source_shares", self.source_shares)):
            for key, value in mapping.items():
                _check_digits(value, SHARE_DIGITS, f"{name}[{key}]")
                if not (0 <= value <= 1):
                    raise ValueError(f"{name}[{key}] must be between 0 and 1")
        if Source.MUNICIPALITIES in self.source_shares:
            raise ValueError("source_shares: the municipalities' source is the required co-financing, not a share")
        if self.source_shares and sum(self.source_shares.values(), Decimal(0)) != 1:
            raise ValueError("source_shares must sum to 1")
        if self.months <= 0 or self.months > 12:
            raise ValueError("months must be in (0, 12]")
        _check_digits(self.months, 2, "months")
        for (kind, _group), _rate in self.rates.items():
            if kind not in self.kinds:
                raise ValueError(f"rate for unknown kind §{kind}")

    # --- what-if helpers -----------------------------------------------------------------------------------
    def with_normatives_scaled(self, factor, kinds: Iterable[str] | None = None,
                               groups: Iterable[Group] | None = None) -> FinanceParams:
        """A copy with the normatives multiplied by ``factor`` (rounded to haléře, half up).

        Example: Pravidla 2018 Dodatek 1 raised all normatives by 25 % → ``with_normatives_scaled("1.25")``.
        """
        factor = to_decimal(factor)
        kinds = None if kinds is None else {str(k) for k in kinds}
        groups = None if groups is None else {Group(g) for g in groups}
        rates = {}
        for (kind, group), rate in self.rates.items():
            if (kinds is None or kind in kinds) and (groups is None or group in groups):
                rate = replace(rate, normative=(rate.normative * factor).quantize(Decimal("0.01"), ROUND_HALF_UP))
            rates[(kind, group)] = rate
        return replace(self, rates=rates)

    def with_region_cofinancing(self, group: Group, share) -> FinanceParams:
        """A copy with the kraj's own co-financing share of ``group`` set to ``share`` (what-if)."""
        shares = dict(self.region_cofinancing)
        shares[Group(group)] = to_decimal(share)
        return replace(self, region_cofinancing=shares)


def derive_group(kind: Kind, form: str) -> Group:
    """The group rule of domain.md §2: residential → C (prevention) / D (care); otherwise A / B."""
    form = Form(form)
    if form not in kind.forms:
        raise ValueError(f"kind §{kind.code} is not provided in form {form.value!r}")
    care = kind.category == Category.CARE
    if form == Form.RESIDENTIAL:
        return Group.D if care else Group.C
    return Group.B if care else Group.A


def _check_digits(value: Decimal, digits: int, name: str) -> None:
    if not value.is_finite():
        raise ValueError(f"{name} must be a finite number")
    if value != value.quantize(Decimal(1).scaleb(-digits)):
        raise ValueError(f"{name} = {value} has more than {digits} decimal places")


# --- the 33 kinds (domain.md §2) -----------------------------------------------------------------------------
A, T, P = Form.OUTPATIENT, Form.FIELD, Form.RESIDENTIAL
_COUNS, _CARE, _PREV = Category.COUNSELLING, Category.CARE, Category.PREVENTION

KINDS: tuple[Kind, ...] = (
    Kind("37", "Odborné sociální poradenství", _COUNS, (A, T)),
    Kind("39", "Osobní asistence", _CARE, (T,)),
    Kind("40", "Pečovatelská služba", _CARE, (T, A)),
    Kind("41", "Tísňová péče", _CARE, (T,)),
    Kind("42", "Průvodcovské a předčitatelské služby", _CARE, (T, A)),
    Kind("43", "Podpora samostatného bydlení", _CARE, (T,)),
    Kind("44", "Odlehčovací služby", _CARE, (T, A, P)),
    Kind("45", "Centra denních služeb", _CARE, (A,)),
    Kind("46", "Denní stacionáře", _CARE, (A,)),
    Kind("47", "Týdenní stacionáře", _CARE, (P,)),
    Kind("48", "Domovy pro osoby se zdravotním postižením", _CARE, (P,)),
    Kind("49", "Domovy pro seniory", _CARE, (P,)),
    Kind("50", "Domovy se zvláštním režimem", _CARE, (P,)),
    Kind("51", "Chráněné bydlení", _CARE, (P,)),
    Kind("52", "Sociální služby poskytované ve zdravotnických zařízeních lůžkové péče", _CARE, (P,)),
    Kind("54", "Raná péče", _PREV, (T, A)),
    Kind("55", "Telefonická krizová pomoc", _PREV, (T,)),
    Kind("56", "Tlumočnické služby", _PREV, (T, A)),
    Kind("57", "Azylové domy", _PREV, (P,)),
    Kind("58", "Domy na půl cesty", _PREV, (P,)),
    Kind("59", "Kontaktní centra", _PREV, (A, T)),
    Kind("60", "Krizová pomoc", _PREV, (A, T, P)),
    Kind("60a", "Intervenční centra", _PREV, (A, T, P)),
    Kind("61", "Nízkoprahová denní centra", _PREV, (A, T)),
    Kind("62", "Nízkoprahová zařízení pro děti a mládež", _PREV, (A, T)),
    Kind("63", "Noclehárny", _PREV, (A,)),
    Kind("64", "Služby následné péče", _PREV, (A, P)),
    Kind("65", "Sociálně aktivizační služby pro rodiny s dětmi", _PREV, (T, A)),
    Kind("66", "Sociálně aktivizační služby pro seniory a osoby se zdravotním postižením", _PREV, (A, T)),
    Kind("67", "Sociálně terapeutické dílny", _PREV, (A,)),
    Kind("68", "Terapeutické komunity", _PREV, (P,)),
    Kind("69", "Terénní programy", _PREV, (T,)),
    Kind("70", "Sociální rehabilitace", _PREV, (A, T, P)),
)

# Illustrative normatives. The real JMK tables (Pravidla, Tables 3, 4, 6 and 8) were not retrieved
# (domain.md §10.3); these are round, plausible values chosen for the worked examples in docs/financing.md.
# FTE kinds: CZK per direct-care FTE per month (and S per user-month where fees are deducted).
_FTE_NORMATIVE = {
    "37": 58000, "39": 48000, "40": 50000, "41": 62000, "42": 48000, "43": 52000, "44": 52000, "45": 50000,
    "46": 52000, "54": 60000, "55": 56000, "56": 55000, "59": 57000, "60": 58000, "60a": 60000, "61": 52000,
    "62": 54000, "63": 50000, "64": 55000, "65": 55000, "66": 52000, "67": 50000, "69": 54000, "70": 55000,
}
_FTE_USER_FEE = {"41": 450}
# Bed-day kinds: (normative per bed-day, occupancy, user fee and health insurance per occupied bed-day).
_BED_DAY = {
    "44": (2000, "0.90", 600, 80), "47": (1700, "0.95", 450, 0), "48": (2100, "0.95", 650, 60),
    "49": (1900, "0.95", 700, 110), "50": (2200, "0.95", 750, 130), "51": (1500, "0.95", 400, 0),
    "52": (1600, "0.90", 650, 150), "57": (700, "0.85", 120, 0), "58": (900, "0.85", 150, 0),
    "60": (1200, "0.85", 100, 0), "60a": (1200, "0.85", 0, 0), "64": (1000, "0.85", 100, 0),
    "68": (1300, "0.85", 150, 0), "70": (1000, "0.85", 100, 0),
}


def default_params(year: int = 2025, region: str = "CZ064") -> FinanceParams:
    """Illustrative parameters for ``year`` (region code CZ064 = Jihomoravský kraj).

    The structure follows the JMK Pravidla; the numbers are **illustrative** (the real tables were not
    available, domain.md §10.3) and must be replaced by the region's approved values:

    - normatives: see ``_FTE_NORMATIVE`` and ``_BED_DAY`` above;
    - the kraj's own co-financing: 0 in every group (the municipal co-financing is the network's rate, given
      per entry; the kraj's own budget appears in the planned sources);
    - planned source shares: state 35 % (the seed plan's share), region 8 %, users 33 %, health insurance 4 %,
      other 20 % (the state's share is of ON, the other four divide what is left after the state and the
      municipalities' required co-financing in these proportions).
    """
    kinds = {k.code: k for k in KINDS}
    rates: dict[tuple[str, Group], Rate] = {}
    for kind in KINDS:
        for form in kind.forms:
            group = derive_group(kind, form)
            if (kind.code, group) in rates:
                continue
            if GROUP_UNIT[group] == Unit.FTE_MONTH:
                rates[(kind.code, group)] = Rate(Decimal(_FTE_NORMATIVE[kind.code]),
                                                 user_fee=Decimal(_FTE_USER_FEE.get(kind.code, 0)))
            else:
                normative, occupancy, fee, hi = _BED_DAY[kind.code]
                rates[(kind.code, group)] = Rate(Decimal(normative), Decimal(occupancy), Decimal(fee), Decimal(hi))
    return FinanceParams(
        region=region,
        year=year,
        kinds=kinds,
        rates=rates,
        region_cofinancing={g: Decimal(0) for g in Group},
        source_shares={Source.STATE: Decimal("0.35"), Source.REGION: Decimal("0.08"), Source.USERS: Decimal("0.33"),
                       Source.HEALTH_INSURANCE: Decimal("0.04"), Source.OTHER: Decimal("0.20")},
        illustrative=True,
        note="Ilustrativní hodnoty – skutečné normativy kraje nebyly k dispozici.",
    )
