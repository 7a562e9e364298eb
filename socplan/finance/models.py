"""Financing of the regional network: yearly parameters, allocation runs, provider reports, settlement.

* :class:`FinanceParams` + :class:`FinanceRate` – the yearly financing parameters of a kraj (Pravidla): the
  kraj's own co-financing share per group, the planned source shares, and per kind and financing group the
  normative per unit (FP), expected and minimum occupancy, user-fee and health-insurance rates. (The
  municipalities' co-financing rate is the network's yearly parameter.) Edited by region staff, copied to the next year. Converted to the engine's ``FinanceParams`` by
  :mod:`socplan.finance.adapter`.
* :class:`AllocationRun` + :class:`AllocationRow` – one allocation of a limited budget (rules or optimisation
  mode) with its per-entry amounts. Private: region staff see all rows, a provider only its own services'.
* :class:`ProviderBudget` – a service's budget for a year in one of four terms (plan, adjusted, actual, actual
  after the tax return); :class:`UnitReport` – half-yearly actual units (direct-care FTE-months or bed-days).
  Both go through draft → submitted → returned for correction → approved; approved rows are immutable.
* :class:`Settlement` – the settlement and overcompensation check of a service and year (engine: settlement).
* :class:`Programme` + :class:`ProgrammeRound` – subsidy programmes (dotační programy) of a kraj and year with
  their legal basis, budget, eligible kinds, rules (year-on-year damping, reasonable profit, carry-over) and
  rounds with dates; an allocation run, the decisions, payments and settlements belong to a round.
* :class:`GrantDecision` – the decision or public-law contract for one provider from the approved run of a
  round, with the Pověření (entrustment act) it carries; :class:`PaymentInstalment` – its payment schedule;
  :class:`Payment` – payments and refunds received; :class:`DecisionSettlement` – the yearly settlement of the
  decision (overpayment and overcompensation refund, due date).

Formulas and the demo calibration: docs/financing.md.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from socplan.accounts.immutability import ImmutableWhenApproved
from socplan.core.models import EditionMixin, EditionQuerySet, VersionedModel
from socplan.core.text_limits import SHORT_TEXT, BoundedText, line_text, short_text
from socplan.registry.models import FinancingGroup

ZERO = Decimal(0)
ONE = Decimal(1)
YEAR = [MinValueValidator(2000), MaxValueValidator(2100)]
SHARE = [MinValueValidator(ZERO), MaxValueValidator(ONE)]
NON_NEGATIVE = [MinValueValidator(ZERO)]
REGION_ROLES = ("region_admin", "region_officer")


def _share(label, default, help_text=""):
    return models.DecimalField(label, max_digits=5, decimal_places=4, default=Decimal(default), validators=SHARE,
                               help_text=help_text)


REGION_COFINANCING_HELP = _(
    "Vlastní spolufinancování kraje jako podíl optimalizovaných nákladů (0–1). Spolufinancování obcí zde není: "
    "je to sazba nastavení sítě podle druhu, formy a úrovně (0 % nebo 10–20 %).")
PLANNED_REST_HELP = _(
    "Plánované podíly zdrojů dávají dohromady 1. Obce plánují požadované spolufinancování (výkaz "
    "spolufinancování); kraj, úhrady, pojišťovny a ostatní si dělí zbytek po státu a obcích v poměru svých podílů.")


def _money(label):
    return models.DecimalField(label, max_digits=15, decimal_places=0, default=ZERO, validators=NON_NEGATIVE)


# --- yearly parameters --------------------------------------------------------------------------------------

class FinanceParams(EditionMixin, VersionedModel):
    """Parametry financování kraje na rok (Pravidla): spolufinancování kraje, podíly zdrojů, normativy po druzích.

    Once an approved allocation has used a set it is frozen; a change is a new set of the same kraj and year
    (``edition`` + 1) that ``supersedes`` it. Approved allocations keep pointing at the set they were computed with
    (``AllocationRun.params``); new computations use the newest set (``current()``).
    """

    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="finance_params",
                               verbose_name=_("kraj"))
    year = models.PositiveSmallIntegerField(_("rok"), validators=YEAR)
    months = models.DecimalField(_("počet financovaných měsíců"), max_digits=4, decimal_places=2,
                                 default=Decimal(12), validators=[MinValueValidator(Decimal("0.01")),
                                                                  MaxValueValidator(Decimal(12))])
    days = models.PositiveSmallIntegerField(
        _("počet dní pro lůžkodny"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text=_("Prázdné = počet dní kalendářního roku (365 nebo 366)."))
    region_cofinancing_a = _share(_("spolufinancování z rozpočtu kraje – skupina A (podíl ON)"), "0",
                                  REGION_COFINANCING_HELP)
    region_cofinancing_b = _share(_("spolufinancování z rozpočtu kraje – skupina B (podíl ON)"), "0",
                                  REGION_COFINANCING_HELP)
    region_cofinancing_c = _share(_("spolufinancování z rozpočtu kraje – skupina C (podíl ON)"), "0",
                                  REGION_COFINANCING_HELP)
    region_cofinancing_d = _share(_("spolufinancování z rozpočtu kraje – skupina D (podíl ON)"), "0",
                                  REGION_COFINANCING_HELP)
    share_state = _share(_("plánovaný podíl – státní rozpočet"), "0.35",
                         _("Podíl optimalizovaných nákladů sítě, který kraj plánuje ze státního rozpočtu."))
    share_region = _share(_("plánovaný podíl – kraj"), "0.08", PLANNED_REST_HELP)
    share_users = _share(_("plánovaný podíl – úhrady uživatelů"), "0.33", PLANNED_REST_HELP)
    share_health_insurance = _share(_("plánovaný podíl – zdravotní pojišťovny"), "0.04", PLANNED_REST_HELP)
    share_other = _share(_("plánovaný podíl – ostatní zdroje"), "0.20", PLANNED_REST_HELP)
    group_overrides = models.JSONField(
        _("odchylky skupiny financování"), default=dict, blank=True,
        help_text=_('Druh a forma, jejichž skupina se liší od registru, např. {"44:pob": "D"}.'))
    illustrative = models.BooleanField(
        _("ilustrativní hodnoty"), default=True,
        help_text=_("Hodnoty nejsou schválenými normativy kraje (skutečné tabulky nebyly k dispozici)."))
    note = models.TextField(_("poznámka"), blank=True, max_length=SHORT_TEXT, validators=short_text())
    copied_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, editable=False,
                                    related_name="+", verbose_name=_("zkopírováno z"))
    edition = models.PositiveSmallIntegerField(
        _("vydání parametrů"), default=1, editable=False,
        help_text=_("1 = první parametry roku; každá nová verze parametrů (po schválení rozdělení) má o 1 vyšší."))
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="superseded_by",
        verbose_name=_("nahrazuje parametry"))
    created_at = models.DateTimeField(_("vytvořeno"), auto_now_add=True)
    history = HistoricalRecords()

    objects = EditionQuerySet.as_manager()

    SCOPE = {"region": "region", "district": None, "orp": None, "provider": None, "private": False,
             "edit_roles": REGION_ROLES}
    GROUP_FIELDS = {"A": "region_cofinancing_a", "B": "region_cofinancing_b", "C": "region_cofinancing_c",
                    "D": "region_cofinancing_d"}  # the kraj's own co-financing share per group
    SOURCE_FIELDS = {"state": "share_state", "region": "share_region", "users": "share_users",
                     "health_insurance": "share_health_insurance", "other": "share_other"}

    class Meta:
        verbose_name = _("parametry financování")
        verbose_name_plural = _("parametry financování")
        ordering = ["region", "-year", "-edition"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "edition"], name="finance_params_unique_year",
                                    violation_error_message=_("Parametry financování na tento rok už existují.")),
        ]

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        shares = sum((getattr(self, f) or ZERO for f in self.SOURCE_FIELDS.values()), ZERO)
        if shares != ONE:
            errors["share_state"] = _("Plánované podíly zdrojů musí dát dohromady 1 (nyní %(sum)s).") % {
                "sum": shares}
        for key, value in (self.group_overrides or {}).items():
            if value not in FinancingGroup.values or ":" not in str(key):
                errors["group_overrides"] = _("Odchylky skupin zadejte jako {\"druh:forma\": \"A–D\"}.")
        if errors:
            raise ValidationError(errors)


class FinanceRate(VersionedModel):
    """Normativ druhu a skupiny financování: FP na jednotku, obložnost, úhrady, platby pojišťoven."""

    params = models.ForeignKey(FinanceParams, on_delete=models.CASCADE, related_name="rates",
                               verbose_name=_("parametry financování"))
    kind = models.ForeignKey("registry.ServiceKind", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("druh služby"))
    group = models.CharField(_("skupina financování"), max_length=1, choices=FinancingGroup.choices)
    normative = models.DecimalField(
        _("normativ na jednotku (Kč)"), max_digits=12, decimal_places=2, validators=NON_NEGATIVE,
        help_text=_("Skupiny A/B: Kč na úvazek-měsíc pracovníka v přímé péči; C/D: Kč na lůžkoden."))
    occupancy = models.DecimalField(_("očekávaná obložnost"), max_digits=5, decimal_places=4, default=ONE,
                                    validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(ONE)],
                                    help_text=_("Jen skupiny C/D (podíl 0–1)."))
    min_occupancy = models.DecimalField(
        _("minimální obložnost"), max_digits=5, decimal_places=4, null=True, blank=True, validators=SHARE,
        help_text=_("Jen skupiny C/D: nižší skutečná obložnost se v pololetní kontrole označí."))
    user_fee = models.DecimalField(
        _("obvyklá úhrada uživatele (Kč)"), max_digits=10, decimal_places=2, default=ZERO, validators=NON_NEGATIVE,
        help_text=_("A/B: Kč na uživatele a měsíc (např. tísňová péče); C/D: Kč na obsazený lůžkoden."))
    health_insurance = models.DecimalField(
        _("platba zdravotních pojišťoven (Kč na obsazený lůžkoden)"), max_digits=10, decimal_places=2, default=ZERO,
        validators=NON_NEGATIVE)
    history = HistoricalRecords()

    SCOPE = {"region": "params__region", "district": None, "orp": None, "provider": None, "private": False,
             "edit_roles": REGION_ROLES}

    class Meta:
        verbose_name = _("normativ druhu služby")
        verbose_name_plural = _("normativy druhů služeb")
        ordering = ["params", "kind__order", "group"]
        constraints = [
            models.UniqueConstraint(fields=["params", "kind", "group"], name="finance_rate_unique_kind_group",
                                    violation_error_message=_("Normativ druhu a skupiny už je zadán.")),
        ]

    def __str__(self):
        return f"§ {self.kind.code} / {self.group}"

    @property
    def is_bed_day(self) -> bool:
        return self.group in ("C", "D")


# --- allocation ---------------------------------------------------------------------------------------------

class AllocationMode(models.TextChoices):
    RULES = "rules", _("podle pravidel (jednotný koeficient krácení)")
    OPTIMISE = "optimise", _("vážený spravedlivý podíl s chráněnou sítí")


class NetworkSource(models.TextChoices):
    NETWORK = "network", _("síť sociálních služeb")
    REGISTRY = "registry", _("registr (síť roku není k dispozici)")


class AllocationState(models.TextChoices):
    COMPUTED = "computed", _("spočteno")
    APPROVED = "approved", _("schváleno")


class AllocationRun(ImmutableWhenApproved, models.Model):
    """Rozdělení omezeného rozpočtu na položky sítě (jeden výpočet). Schválené je neměnné; schválení pozdějšího
    výpočtu téhož kraje a roku nahrazuje (``supersedes``) dříve schválený."""

    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="finance_allocations",
                               verbose_name=_("kraj"))
    year = models.PositiveSmallIntegerField(_("rok"), validators=YEAR)
    mode = models.CharField(_("režim"), max_length=10, choices=AllocationMode.choices)
    budget = models.DecimalField(_("rozpočet (Kč)"), max_digits=15, decimal_places=0, validators=NON_NEGATIVE)
    total_optimal = models.DecimalField(_("optimální podpora celkem (Kč)"), max_digits=15, decimal_places=0,
                                        default=ZERO)
    total_allocated = models.DecimalField(_("přiděleno celkem (Kč)"), max_digits=15, decimal_places=0, default=ZERO)
    network_source = models.CharField(_("zdroj položek"), max_length=10, choices=NetworkSource.choices,
                                      default=NetworkSource.NETWORK)
    params_version = models.PositiveIntegerField(_("verze parametrů"), default=0)
    params = models.ForeignKey(
        FinanceParams, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="runs",
        verbose_name=_("parametry financování"),
        help_text=_("Parametry (vydání), se kterými bylo rozdělení spočteno; schválené si je ponechává."))
    tiers = models.JSONField(_("výsledek po úrovních sítě"), default=list, blank=True)
    note = models.CharField(_("poznámka"), max_length=500, blank=True, validators=line_text())
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("spustil"))
    created_at = models.DateTimeField(_("spuštěno"), auto_now_add=True)
    state = models.CharField(_("stav"), max_length=10, choices=AllocationState.choices,
                             default=AllocationState.COMPUTED, editable=False)
    decision_ref = models.CharField(_("usnesení / rozhodnutí"), max_length=200, blank=True, editable=False)
    programme_round = models.ForeignKey(
        "finance.ProgrammeRound", on_delete=models.PROTECT, null=True, blank=True, related_name="runs",
        verbose_name=_("kolo dotačního programu"),
        help_text=_("Rozdělení patří kolu programu; bez kola jde o výpočet kraje a roku mimo program."))
    supersede_reason = models.TextField(_("důvod nahrazení"), max_length=2000, blank=True, editable=False,
                                        validators=[BoundedText(2000)])
    damping_max_drop = models.DecimalField(
        _("meziroční tlumení – nejvyšší pokles podpory"), max_digits=5, decimal_places=4, null=True, blank=True,
        editable=False, help_text=_("Pravidlo programu použité při výpočtu (prázdné = bez tlumení)."))
    below_floor_reason = models.TextField(
        _("důvod schválení pod chráněným minimem"), max_length=2000, blank=True, editable=False,
        help_text=_("Schvaluje-li se rozdělení, v němž některá služba dostává méně než své chráněné minimum."),
            validators=[BoundedText(2000)])
    history = HistoricalRecords()

    SCOPE = {"region": "region", "district": None, "orp": None, "provider": None, "private": True,
             "edit_roles": REGION_ROLES}

    class Meta:
        verbose_name = _("rozdělení rozpočtu")
        verbose_name_plural = _("rozdělení rozpočtu")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["region", "year", "mode"])]
        constraints = [
            # the approved runs of a round form one chain: one first approval, each later one supersedes exactly
            # one run, and no run is superseded twice -> exactly one approved run in force per round
            models.UniqueConstraint(
                fields=["programme_round"], name="finance_allocation_one_first_approval_per_round",
                condition=Q(approved_at__isnull=False, supersedes__isnull=True, programme_round__isnull=False),
                violation_error_message=_("Kolo programu už má schválené rozdělení.")),
            models.UniqueConstraint(
                fields=["supersedes"], name="finance_allocation_superseded_once",
                condition=Q(supersedes__isnull=False),
                violation_error_message=_("Toto rozdělení už nahradilo jiné schválené rozdělení.")),
        ]

    def __str__(self):
        return f"{self.region} {self.year} – {self.get_mode_display()} ({self.created_at:%d. %m. %Y %H:%M})"

    @property
    def below_floor_count(self) -> int:
        """How many services get less than their protected floor (approving needs a confirmed reason)."""
        return self.rows.filter(allocated__lt=models.F("floor")).count()


BOUND_LABELS = {  # what bound an amount (engine.optimise.binding codes), for the pages
    "floor": _("chráněné minimum"),
    "floor_reduced": _("chráněná minima krácena (rozpočet na ně nestačí)"),
    "minimum": _("minimum druhu nebo okresu"),
    "minimum_reduced": _("minima druhů a okresů krácena"),
    "cap": _("strop druhu"),
    "kind_total": _("strop druhu celkem"),
    "need": _("plná optimální podpora"),
    "level": _("společný koeficient / úroveň"),
    "unfunded": _("vrstva bez prostředků"),
}


class AllocationRow(models.Model):
    """Částka jedné položky sítě v rozdělení rozpočtu."""

    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="rows",
                            verbose_name=_("rozdělení"))
    service = models.ForeignKey("registry.Service", on_delete=models.PROTECT, related_name="finance_allocations",
                                verbose_name=_("služba"))
    key = models.CharField(_("položka"), max_length=40)
    kind_code = models.CharField(_("druh"), max_length=10)
    group = models.CharField(_("skupina"), max_length=1, choices=FinancingGroup.choices)
    tier = models.PositiveSmallIntegerField(_("vrstva"), default=0)
    district = models.ForeignKey("territory.District", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("okres"))
    orp = models.ForeignKey("territory.Orp", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                            verbose_name=_("ORP"))
    optimal_support = models.DecimalField(_("optimální podpora (Kč)"), max_digits=15, decimal_places=0)
    allocated = models.DecimalField(_("přiděleno (Kč)"), max_digits=15, decimal_places=0)
    previous = models.DecimalField(_("loňská schválená částka (Kč)"), max_digits=15, decimal_places=0, null=True,
                                   blank=True, help_text=_("Částka položky ve schváleném rozdělení loňského roku "
                                                           "(téhož programu); prázdné = loni nepřidělena."))
    floor = models.DecimalField(_("chráněné minimum (Kč)"), max_digits=15, decimal_places=0, default=ZERO,
                                help_text=_("Meziroční tlumení nebo minimum druhu: méně služba dostat nemá, "
                                            "pokud na to rozpočet stačí."))
    bound = models.CharField(_("co určilo částku"), max_length=20, blank=True)

    SCOPE = {"region": "run__region", "district": "district", "orp": "orp", "provider": "service__provider",
             "private": True, "edit_roles": REGION_ROLES}

    class Meta:
        verbose_name = _("položka rozdělení")
        verbose_name_plural = _("položky rozdělení")
        ordering = ["run", "pk"]
        constraints = [models.UniqueConstraint(fields=["run", "key"], name="finance_allocation_row_unique_key")]

    def __str__(self):
        return f"{self.key}: {self.allocated}"

    @property
    def bound_label(self) -> str:
        return str(BOUND_LABELS.get(self.bound, self.bound or "–"))

    @property
    def below_floor(self) -> bool:
        return self.allocated < self.floor


# --- provider reports ---------------------------------------------------------------------------------------

class ReportState(models.TextChoices):
    DRAFT = "draft", _("rozpracováno")
    SUBMITTED = "submitted", _("předloženo ke kontrole")
    RETURNED = "returned", _("vráceno k opravě")
    APPROVED = "approved", _("schváleno")


EDITABLE_STATES = (ReportState.DRAFT, ReportState.RETURNED)


class BudgetTerm(models.TextChoices):
    PLAN = "plan", _("plánovaný rozpočet")
    ADJUSTED = "adjusted", _("upravený rozpočet")
    ACTUAL = "actual", _("skutečnost")
    ACTUAL_TAX = "actual_tax", _("skutečnost po daňovém přiznání")


TERM_ORDER = [BudgetTerm.PLAN, BudgetTerm.ADJUSTED, BudgetTerm.ACTUAL, BudgetTerm.ACTUAL_TAX]


class ReportWorkflow(ImmutableWhenApproved, VersionedModel):
    """State and decisions of a provider report (submit → returned for correction → approved)."""

    state = models.CharField(_("stav"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT,
                             editable=False)
    note = models.CharField(_("poznámka poskytovatele"), max_length=500, blank=True, validators=line_text())
    return_reason = models.TextField(_("důvod vrácení"), blank=True, editable=False,
                                     max_length=SHORT_TEXT, validators=short_text())
    checks = models.JSONField(_("kontroly kraje"), default=list, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("předloženo"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     editable=False, related_name="+", verbose_name=_("předložil"))

    class Meta:
        abstract = True

    @property
    def editable(self) -> bool:
        return self.state in EDITABLE_STATES


class ProviderBudget(ReportWorkflow):
    """Rozpočet služby na rok v jednom ze čtyř termínů (plán, úprava, skutečnost, skutečnost po DP)."""

    service = models.ForeignKey("registry.Service", on_delete=models.PROTECT, related_name="finance_budgets",
                                verbose_name=_("služba"))
    year = models.PositiveSmallIntegerField(_("rok"), validators=YEAR)
    term = models.CharField(_("termín"), max_length=10, choices=BudgetTerm.choices)
    cost_personnel = _money(_("osobní náklady"))
    cost_operating = _money(_("provozní náklady"))
    cost_depreciation_reserves = _money(_("odpisy, rezervy a opravné položky (neuznatelné)"))
    cost_long_term_assets = _money(_("pořízení dlouhodobého majetku (neuznatelné)"))
    cost_reclaimable_vat = _money(_("DPH s nárokem na odpočet (neuznatelné)"))
    cost_other_ineligible = _money(_("pokuty, úroky, dary, ztráty (neuznatelné)"))
    revenue_users = _money(_("úhrady uživatelů"))
    revenue_health_insurance = _money(_("zdravotní pojišťovny"))
    revenue_other_own = _money(_("ostatní vlastní výnosy"))
    public_state = _money(_("dotace ze státního rozpočtu"))
    public_region = _money(_("kraj"))
    public_municipalities = _money(_("obce"))
    public_other = _money(_("ostatní veřejné zdroje"))
    history = HistoricalRecords()

    SCOPE = {"region": "service__region", "district": None, "orp": None, "provider": "service__provider",
             "private": True}
    COST_FIELDS = ["cost_personnel", "cost_operating", "cost_depreciation_reserves", "cost_long_term_assets",
                   "cost_reclaimable_vat", "cost_other_ineligible"]
    # engine cost keys (INELIGIBLE_COSTS keys mark ineligible lines)
    COST_KEYS = {"cost_personnel": "personnel", "cost_operating": "operating",
                 "cost_depreciation_reserves": "depreciation_reserves",
                 "cost_long_term_assets": "long_term_assets", "cost_reclaimable_vat": "reclaimable_vat",
                 "cost_other_ineligible": "fines_interest_gifts_losses"}
    REVENUE_FIELDS = {"revenue_users": "users", "revenue_health_insurance": "health_insurance",
                      "revenue_other_own": "other_own"}
    PUBLIC_FIELDS = {"public_state": "state", "public_region": "region", "public_municipalities": "municipalities",
                     "public_other": "other_public"}

    class Meta:
        verbose_name = _("rozpočet služby")
        verbose_name_plural = _("rozpočty služeb")
        ordering = ["service", "-year", "term"]
        constraints = [
            models.UniqueConstraint(fields=["service", "year", "term"], name="finance_budget_unique_term",
                                    violation_error_message=_("Rozpočet služby v tomto termínu už existuje.")),
        ]

    def __str__(self):
        return f"{self.service} {self.year} – {self.get_term_display()}"

    @property
    def total_costs(self) -> Decimal:
        return sum((getattr(self, f) for f in self.COST_FIELDS), ZERO)

    @property
    def own_revenues(self) -> Decimal:
        return sum((getattr(self, f) for f in self.REVENUE_FIELDS), ZERO)

    @property
    def public_money(self) -> Decimal:
        return sum((getattr(self, f) for f in self.PUBLIC_FIELDS), ZERO)

    @property
    def total_sources(self) -> Decimal:
        return self.own_revenues + self.public_money


class UnitKind(models.TextChoices):
    FTE_MONTH = "fte_month", _("úvazek-měsíc pracovníka v přímé péči")
    BED_DAY = "bed_day", _("lůžkoden")


class UnitReport(ReportWorkflow):
    """Pololetní výkaz skutečných jednotek služby (úvazky v přímé péči nebo lůžkodny)."""

    service = models.ForeignKey("registry.Service", on_delete=models.PROTECT, related_name="finance_unit_reports",
                                verbose_name=_("služba"))
    year = models.PositiveSmallIntegerField(_("rok"), validators=YEAR)
    half = models.PositiveSmallIntegerField(_("pololetí"), choices=[(1, _("1. pololetí")), (2, _("2. pololetí"))])
    unit = models.CharField(_("jednotka"), max_length=10, choices=UnitKind.choices)
    actual_units = models.DecimalField(
        _("skutečné jednotky"), max_digits=12, decimal_places=2, validators=NON_NEGATIVE,
        help_text=_("Úvazky-měsíce pracovníků v přímé péči (součet za 6 měsíců) nebo obsazené lůžkodny pololetí."))
    history = HistoricalRecords()

    SCOPE = {"region": "service__region", "district": None, "orp": None, "provider": "service__provider",
             "private": True}

    class Meta:
        verbose_name = _("pololetní výkaz jednotek")
        verbose_name_plural = _("pololetní výkazy jednotek")
        ordering = ["service", "-year", "half"]
        constraints = [
            models.UniqueConstraint(fields=["service", "year", "half"], name="finance_unit_report_unique_half",
                                    violation_error_message=_("Výkaz za toto pololetí už existuje.")),
            models.CheckConstraint(condition=Q(half__in=[1, 2]), name="finance_unit_report_half_1_2"),
        ]

    def __str__(self):
        return f"{self.service} {self.year}/{self.half}"


# --- settlement ---------------------------------------------------------------------------------------------

class Settlement(models.Model):
    """Vyúčtování služby za rok a kontrola nadměrné vyrovnávací platby."""

    service = models.ForeignKey("registry.Service", on_delete=models.PROTECT, related_name="finance_settlements",
                                verbose_name=_("služba"))
    year = models.PositiveSmallIntegerField(_("rok"), validators=YEAR)
    budget = models.ForeignKey(ProviderBudget, on_delete=models.PROTECT, related_name="settlements",
                               verbose_name=_("podklad (rozpočet ve skutečnosti)"))
    profit_rate = models.DecimalField(_("přiměřený zisk (podíl uznatelných nákladů)"), max_digits=5,
                                      decimal_places=4, default=ZERO, validators=SHARE)
    total_costs = _money(_("náklady celkem"))
    ineligible_costs = _money(_("neuznatelné náklady"))
    eligible_costs = _money(_("uznatelné náklady"))
    own_revenues = _money(_("vlastní výnosy"))
    net_cost = models.DecimalField(_("čisté náklady"), max_digits=15, decimal_places=0, default=ZERO)
    reasonable_profit = _money(_("přiměřený zisk"))
    allowed = models.DecimalField(_("nejvyšší přípustná vyrovnávací platba"), max_digits=15, decimal_places=0,
                                  default=ZERO)
    compensation = _money(_("veřejné prostředky celkem"))
    overcompensation = _money(_("nadměrná vyrovnávací platba"))
    undercompensation = _money(_("nedofinancování"))
    explanation = models.TextField(_("výpočet"), blank=True)
    computed_at = models.DateTimeField(_("vypočteno"), auto_now=True)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("vypočetl"))
    history = HistoricalRecords()

    SCOPE = {"region": "service__region", "district": None, "orp": None, "provider": "service__provider",
             "private": True, "edit_roles": REGION_ROLES}

    class Meta:
        verbose_name = _("vyúčtování služby")
        verbose_name_plural = _("vyúčtování služeb")
        ordering = ["service", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["service", "year"], name="finance_settlement_unique_year",
                                    violation_error_message=_("Vyúčtování služby za tento rok už existuje.")),
        ]

    def __str__(self):
        return f"{self.service} {self.year}"


# --- programmes, decisions, payments ------------------------------------------------------------------------

class LegalBasis(models.TextChoices):
    STATE_101A = "state_101a", _("§ 101a – dotace ze státního rozpočtu (kraj ji rozděluje)")
    REGION_105 = "region_105", _("§ 105 – vlastní program kraje (spolufinancování)")
    TARGETED = "targeted", _("cílený program kraje pro vybrané druhy služeb")


class Instrument(models.TextChoices):
    DECISION = "decision", _("rozhodnutí o poskytnutí dotace")
    CONTRACT = "contract", _("veřejnoprávní smlouva")


class PaymentSchedule(models.TextChoices):
    QUARTERLY = "quarterly", _("čtvrtletní zálohy")
    HALF_YEARLY = "half_yearly", _("pololetní zálohy")
    SINGLE = "single", _("jednorázově")


SCHEDULE_INSTALMENTS = {PaymentSchedule.QUARTERLY: 4, PaymentSchedule.HALF_YEARLY: 2, PaymentSchedule.SINGLE: 1}


class Programme(VersionedModel):
    """Dotační program kraje na rok: právní základ, rozpočet, oprávněné druhy, pravidla a lhůty (v kolech)."""

    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="finance_programmes",
                               verbose_name=_("kraj"))
    year = models.PositiveSmallIntegerField(_("rok"), validators=YEAR)
    code = models.SlugField(_("kód programu"), max_length=30,
                            help_text=_("Krátký kód v adresách a číslech rozhodnutí, např. „101a“ nebo „jmk-105“."))
    name = models.CharField(_("název programu"), max_length=200)
    legal_basis = models.CharField(_("právní základ"), max_length=12, choices=LegalBasis.choices)
    budget = models.DecimalField(_("rozpočet programu (Kč)"), max_digits=15, decimal_places=0,
                                 validators=NON_NEGATIVE)
    kinds = models.ManyToManyField("registry.ServiceKind", blank=True, related_name="+",
                                   verbose_name=_("oprávněné druhy služeb"),
                                   help_text=_("Prázdné = všechny druhy služeb v síti."))
    instrument = models.CharField(_("forma poskytnutí"), max_length=10, choices=Instrument.choices,
                                  default=Instrument.DECISION)
    payment_schedule = models.CharField(_("splátkový kalendář"), max_length=12, choices=PaymentSchedule.choices,
                                        default=PaymentSchedule.QUARTERLY)
    damping_max_drop = models.DecimalField(
        _("meziroční tlumení – nejvyšší pokles podpory"), max_digits=5, decimal_places=4, null=True, blank=True,
        validators=SHARE,
        help_text=_("Podpora služby nesmí klesnout o víc než tento podíl proti schválené částce loňského roku, "
                    "pokud se její položka v síti nezmenšila (např. 0,10 = nejvýše o 10 %). Prázdné = bez tlumení."))
    profit_rate = models.DecimalField(
        _("přiměřený zisk (podíl uznatelných nákladů)"), max_digits=5, decimal_places=4, default=ZERO,
        validators=SHARE, help_text=_("Rozhodnutí Komise 2012/21/EU; 0 = bez zisku."))
    carry_over_limit = models.DecimalField(
        _("převod nadměrné platby – limit (podíl průměrné roční platby)"), max_digits=5, decimal_places=4,
        default=Decimal("0.10"), validators=SHARE,
        help_text=_("Nadměrná vyrovnávací platba do tohoto podílu průměrné roční platby se převádí do dalšího "
                    "období (rozhodnutí 2012/21/EU čl. 6 odst. 2: nejvýše 10 %)."))
    entrustment_from = models.PositiveSmallIntegerField(_("pověření od roku"), validators=YEAR)
    entrustment_to = models.PositiveSmallIntegerField(_("pověření do roku"), validators=YEAR)
    district_min_per_capita = models.DecimalField(
        _("minimum okresu na obyvatele (Kč)"), max_digits=9, decimal_places=2, null=True, blank=True,
        validators=NON_NEGATIVE,
        help_text=_("Stávající služby každého okresu dostanou dohromady aspoň tuto částku × počet obyvatel okresu "
                    "(režim spravedlivého podílu; prázdné = bez minima)."))
    conditions = models.TextField(_("podmínky programu"), max_length=5000, blank=True,
                                  help_text=_("Text podmínek, který se tiskne do rozhodnutí či smlouvy."),
                                      validators=[BoundedText(5000)])
    illustrative = models.BooleanField(_("ilustrativní data"), default=False,
                                       help_text=_("Program je smyšlený (demo); dokumenty to uvádějí."))
    note = models.CharField(_("poznámka"), max_length=500, blank=True, validators=line_text())
    history = HistoricalRecords()

    SCOPE = {"region": "region", "district": None, "orp": None, "provider": None, "private": False,
             "edit_roles": REGION_ROLES}

    class Meta:
        verbose_name = _("dotační program")
        verbose_name_plural = _("dotační programy")
        ordering = ["region", "-year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "code"], name="finance_programme_unique_code",
                                    violation_error_message=_("Program s tímto kódem už v roce existuje.")),
            models.CheckConstraint(condition=Q(entrustment_from__lte=models.F("entrustment_to")),
                                   name="finance_programme_entrustment_order"),
        ]

    def __str__(self):
        return f"{self.name} {self.year}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.entrustment_from and self.entrustment_to and self.entrustment_from > self.entrustment_to:
            raise ValidationError({"entrustment_to": _("Pověření musí končit nejdříve v roce, kdy začíná.")})
        if self.entrustment_to and self.entrustment_from and self.entrustment_to - self.entrustment_from > 9:
            raise ValidationError({"entrustment_to": _("Pověření může trvat nejvýše 10 let.")})
        if self.year and self.entrustment_from and not self.entrustment_from <= self.year <= self.entrustment_to:
            raise ValidationError({"entrustment_from": _("Rok programu musí ležet v období pověření.")})

    @property
    def source_field(self) -> str:
        """The line of a provider's budget that reports this programme's money (for the settlement)."""
        return "public_state" if self.legal_basis == LegalBasis.STATE_101A else "public_region"


class ProgrammeKindLimit(models.Model):
    """Úhrnné meze jednoho druhu služeb v programu (režim spravedlivého podílu): nejméně a nejvýše celkem."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="kind_limits",
                                  verbose_name=_("dotační program"))
    kind = models.ForeignKey("registry.ServiceKind", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("druh služby"))
    total_floor = models.DecimalField(_("nejméně celkem (Kč)"), max_digits=15, decimal_places=0, null=True,
                                      blank=True, validators=NON_NEGATIVE,
                                      help_text=_("Stávající služby druhu dostanou dohromady aspoň tolik."))
    total_cap = models.DecimalField(_("nejvýše celkem (Kč)"), max_digits=15, decimal_places=0, null=True,
                                    blank=True, validators=NON_NEGATIVE,
                                    help_text=_("Služby druhu dostanou dohromady nejvýše tolik (chráněná minima "
                                                "ani minima se tím nekrátí)."))
    history = HistoricalRecords()

    SCOPE = {"region": "programme__region", "district": None, "orp": None, "provider": None, "private": False,
             "edit_roles": REGION_ROLES}

    class Meta:
        verbose_name = _("meze druhu v programu")
        verbose_name_plural = _("meze druhů v programu")
        ordering = ["programme", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "kind"], name="finance_kind_limit_unique",
                                    violation_error_message=_("Meze tohoto druhu už program má.")),
        ]

    def __str__(self):
        return f"{self.programme} – {self.kind}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.total_floor is not None and self.total_cap is not None and self.total_floor > self.total_cap:
            raise ValidationError({"total_cap": _("Nejvýše celkem musí být aspoň nejméně celkem.")})


class ProgrammeRound(VersionedModel):
    """Kolo dotačního programu: rozpočet kola a lhůty žádostí, rozhodnutí, vyúčtování a vratek."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="rounds",
                                  verbose_name=_("dotační program"))
    number = models.PositiveSmallIntegerField(_("kolo"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    budget = models.DecimalField(_("rozpočet kola (Kč)"), max_digits=15, decimal_places=0, validators=NON_NEGATIVE)
    applications_from = models.DateField(_("žádosti od"))
    applications_to = models.DateField(_("žádosti do"))
    decisions_by = models.DateField(_("rozhodnutí do"))
    reports_by = models.DateField(_("vyúčtování do"))
    refund_due = models.DateField(_("vratky splatné do"), null=True, blank=True,
                                  help_text=_("Prázdné = 30 dní od výpočtu vyúčtování."))
    history = HistoricalRecords()

    SCOPE = {"region": "programme__region", "district": None, "orp": None, "provider": None, "private": False,
             "edit_roles": REGION_ROLES}

    class Meta:
        verbose_name = _("kolo dotačního programu")
        verbose_name_plural = _("kola dotačních programů")
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="finance_round_unique_number",
                                    violation_error_message=_("Kolo s tímto číslem už v programu existuje.")),
        ]

    def __str__(self):
        return f"{self.programme} – {self.number}. kolo"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.applications_from and self.applications_to and self.applications_from > self.applications_to:
            raise ValidationError({"applications_to": _("Konec příjmu žádostí je před jeho začátkem.")})
        if self.applications_to and self.decisions_by and self.decisions_by < self.applications_to:
            raise ValidationError({"decisions_by": _("Rozhodnutí nemůže předcházet konci příjmu žádostí.")})


class GrantDecision(models.Model):
    """Rozhodnutí o poskytnutí dotace nebo veřejnoprávní smlouva pro jednoho poskytovatele ze schváleného
    rozdělení kola, s Pověřením (akt pověření službou obecného hospodářského zájmu)."""

    run = models.ForeignKey(AllocationRun, on_delete=models.PROTECT, related_name="decisions",
                            verbose_name=_("schválené rozdělení"))
    programme_round = models.ForeignKey(ProgrammeRound, on_delete=models.PROTECT, related_name="decisions",
                                        verbose_name=_("kolo dotačního programu"))
    provider = models.ForeignKey("registry.Provider", on_delete=models.PROTECT, related_name="finance_decisions",
                                 verbose_name=_("poskytovatel"))
    instrument = models.CharField(_("forma"), max_length=10, choices=Instrument.choices)
    number = models.CharField(_("číslo jednací"), max_length=60)
    entrustment_number = models.CharField(_("číslo pověření"), max_length=60)
    amount = models.DecimalField(_("dotace celkem (Kč)"), max_digits=15, decimal_places=0, validators=NON_NEGATIVE)
    issued_on = models.DateField(_("datum vydání"))
    created_at = models.DateTimeField(_("vytvořeno"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("vytvořil"))
    history = HistoricalRecords()

    SCOPE = {"region": "programme_round__programme__region", "district": None, "orp": None,
             "provider": "provider", "private": True, "edit_roles": REGION_ROLES}

    class Meta:
        verbose_name = _("rozhodnutí o dotaci")
        verbose_name_plural = _("rozhodnutí o dotaci")
        ordering = ["programme_round", "provider__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "provider"], name="finance_decision_unique_provider",
                                    violation_error_message=_("Poskytovatel už má z tohoto rozdělení rozhodnutí.")),
            models.UniqueConstraint(fields=["programme_round", "number"], name="finance_decision_unique_number"),
        ]

    def __str__(self):
        return f"{self.number} – {self.provider}"


class PaymentInstalment(models.Model):
    """Splátka dotace podle splátkového kalendáře rozhodnutí."""

    decision = models.ForeignKey(GrantDecision, on_delete=models.CASCADE, related_name="instalments",
                                 verbose_name=_("rozhodnutí"))
    order = models.PositiveSmallIntegerField(_("pořadí"))
    due_on = models.DateField(_("splatnost"))
    amount = models.DecimalField(_("částka (Kč)"), max_digits=15, decimal_places=0, validators=NON_NEGATIVE)

    SCOPE = GrantDecision.SCOPE | {"region": "decision__programme_round__programme__region",
                                   "provider": "decision__provider"}

    class Meta:
        verbose_name = _("splátka")
        verbose_name_plural = _("splátky")
        ordering = ["decision", "order"]
        constraints = [models.UniqueConstraint(fields=["decision", "order"], name="finance_instalment_unique")]

    def __str__(self):
        return f"{self.decision} / {self.order}"


class PaymentKind(models.TextChoices):
    PAYMENT = "payment", _("výplata dotace")
    REFUND = "refund", _("přijatá vratka")


class Payment(models.Model):
    """Zaznamenaná platba: výplata dotace poskytovateli nebo vratka přijatá od něj."""

    decision = models.ForeignKey(GrantDecision, on_delete=models.PROTECT, related_name="payments",
                                 verbose_name=_("rozhodnutí"))
    kind = models.CharField(_("druh platby"), max_length=10, choices=PaymentKind.choices)
    paid_on = models.DateField(_("datum platby"))
    amount = models.DecimalField(_("částka (Kč)"), max_digits=15, decimal_places=0,
                                 validators=[MinValueValidator(Decimal(1))])
    reference = models.CharField(_("variabilní symbol / doklad"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("zaznamenáno"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("zaznamenal"))
    history = HistoricalRecords()

    SCOPE = PaymentInstalment.SCOPE

    class Meta:
        verbose_name = _("platba")
        verbose_name_plural = _("platby")
        ordering = ["decision", "paid_on", "pk"]

    def __str__(self):
        return f"{self.decision}: {self.get_kind_display()} {self.amount}"


class DecisionSettlement(models.Model):
    """Roční vyúčtování dotace jednoho rozhodnutí: přeplatek, podíl programu na nadměrné vyrovnávací platbě,
    vratka a její splatnost (docs/financing.md, vyúčtování dotace)."""

    decision = models.OneToOneField(GrantDecision, on_delete=models.PROTECT, related_name="settlement",
                                    verbose_name=_("rozhodnutí"))
    granted = _money(_("dotace podle rozhodnutí"))
    paid = _money(_("vyplaceno"))
    used = _money(_("použito v souladu s rozhodnutím"))
    overpayment = _money(_("přeplatek (nevyčerpáno)"))
    overcompensation = _money(_("podíl programu na nadměrné vyrovnávací platbě"))
    refund = _money(_("vratka celkem"))
    due_on = models.DateField(_("vratka splatná do"), null=True, blank=True)
    lines = models.JSONField(_("výpočet po službách"), default=list, blank=True)
    explanation = models.TextField(_("výpočet"), blank=True)
    computed_at = models.DateTimeField(_("vypočteno"), auto_now=True)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("vypočetl"))
    history = HistoricalRecords()

    SCOPE = PaymentInstalment.SCOPE

    class Meta:
        verbose_name = _("vyúčtování dotace")
        verbose_name_plural = _("vyúčtování dotací")
        ordering = ["decision"]

    def __str__(self):
        return f"{self.decision}: {self.refund}"
