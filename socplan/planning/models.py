"""Planning: community plans of the ORP and the regional medium-term plan, their analysis, priorities,
measures and indicators; yearly action plans; monitoring; participation (working groups, meetings,
comments on a draft and their settlement); the region's contracts with the ORP on community planning.

Every model keeps full history (django-simple-history) and declares `SCOPE` for the permission layer
(`socplan.accounts.scope`): the kraj through the plan's region, the ORP through a community plan's ORP.
Anonymous users read what `public_q()` returns — plans that have been published (put out for comments,
approved or superseded) and everything under them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from socplan.core.models import ProvenanceModel, VersionedModel
from socplan.core.text_limits import LONG_TEXT, SHORT_TEXT, line_text, long_text, short_text
from socplan.registry.models import PlanningGroup

ZERO = Decimal(0)
YEAR = [MinValueValidator(2000), MaxValueValidator(2100)]
EDIT_ROLES = ("region_admin", "region_officer", "orp_coordinator")
REGION_EDIT_ROLES = ("region_admin", "region_officer")


class PlanKind(models.TextChoices):
    COMMUNITY = "community", _("komunitní plán ORP")
    REGIONAL = "regional", _("střednědobý plán kraje")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("návrh")
    COMMENT = "comment", _("v připomínkování")
    APPROVED = "approved", _("schválený")
    SUPERSEDED = "superseded", _("nahrazený")


PUBLISHED = (PlanStatus.COMMENT, PlanStatus.APPROVED, PlanStatus.SUPERSEDED)


def _plan_scope(prefix: str, *, private: bool = False, edit_roles=EDIT_ROLES) -> dict:
    return {"region": f"{prefix}region", "district": f"{prefix}orp__district", "orp": f"{prefix}orp",
            "provider": None, "private": private, "edit_roles": edit_roles}


class Plan(VersionedModel, ProvenanceModel):
    """Komunitní plán ORP nebo střednědobý plán rozvoje sociálních služeb kraje (SPRSS)."""

    kind = models.CharField(_("druh plánu"), max_length=12, choices=PlanKind.choices)
    title = models.CharField(_("název"), max_length=255, validators=line_text())
    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="plans",
                               verbose_name=_("kraj"))
    orp = models.ForeignKey("territory.Orp", on_delete=models.PROTECT, related_name="plans", null=True, blank=True,
                            verbose_name=_("ORP"), help_text=_("Jen u komunitního plánu."))
    year_from = models.PositiveSmallIntegerField(_("platnost od roku"), validators=YEAR)
    year_to = models.PositiveSmallIntegerField(_("platnost do roku"), validators=YEAR)
    status = models.CharField(_("stav"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    previous = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="successors",
                                 verbose_name=_("předchozí plán"))
    summary = models.TextField(_("shrnutí a cíl strategie"), blank=True,
                               max_length=LONG_TEXT, validators=long_text())
    approved_on = models.DateField(_("schváleno dne"), null=True, blank=True)
    approval_ref = models.CharField(_("schvalující usnesení"), max_length=200, blank=True,
                                    validators=line_text())
    comments_until = models.DateField(_("připomínky do"), null=True, blank=True)
    approval_reason = models.TextField(_("odůvodnění schválení"), blank=True, editable=False,
                                       help_text=_("Proč byl plán schválen přes upozornění (např. před koncem "
                                                   "připomínek)."), max_length=SHORT_TEXT, validators=short_text())
    approval_problems = models.JSONField(_("potvrzená upozornění při schválení"), default=list, blank=True,
                                         editable=False)
    settlement_published = models.BooleanField(_("vypořádání připomínek zveřejněno"), default=False)
    settlement_published_at = models.DateTimeField(_("vypořádání zveřejněno dne"), null=True, blank=True)
    created_at = models.DateTimeField(_("vytvořeno"), auto_now_add=True)
    updated_at = models.DateTimeField(_("změněno"), auto_now=True)
    history = HistoricalRecords()

    SCOPE = {"region": "region", "district": "orp__district", "orp": "orp", "provider": None, "private": False,
             "edit_roles": EDIT_ROLES}

    class Meta:
        verbose_name = _("plán")
        verbose_name_plural = _("plány")
        ordering = ["-year_from", "kind", "orp__name", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(year_to__gte=F("year_from")), name="planning_plan_years_ordered",
                                   violation_error_message=_("Konec platnosti nesmí předcházet začátku.")),
            models.CheckConstraint(
                condition=(Q(kind="community") & Q(orp__isnull=False)) | (Q(kind="regional") & Q(orp__isnull=True)),
                name="planning_plan_orp_matches_kind",
                violation_error_message=_("Komunitní plán patří jedné ORP; plán kraje žádné ORP."),
            ),
        ]

    def __str__(self):
        return self.title

    @classmethod
    def public_q(cls):
        return Q(status__in=PUBLISHED)

    @property
    def published(self) -> bool:
        return self.status in PUBLISHED

    @property
    def years(self) -> list[int]:
        return list(range(self.year_from, self.year_to + 1))

    @property
    def period_label(self) -> str:
        return f"{self.year_from}–{self.year_to}"

    @property
    def area_name(self) -> str:
        return self.orp.name if self.orp_id else self.region.name

    def clean(self):
        if self.orp_id and self.region_id and self.orp.region_id != self.region_id:
            raise ValidationError({"orp": _("ORP neleží v zadaném kraji.")})


class SectionKind(models.TextChoices):
    INTRO = "intro", _("úvod")
    PROCESS = "process", _("proces plánování")
    PRINCIPLES = "principles", _("principy a východiska")
    NEEDS = "needs", _("analýza potřeb")
    RESOURCES = "resources", _("analýza zdrojů")
    SWOT = "swot", _("SWOT analýza")
    FINANCING = "financing", _("financování")
    OTHER = "other", _("jiné")


class PlanSection(VersionedModel):
    """Kapitola plánu: úvod, analýza potřeb a zdrojů, SWOT, principy …"""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections", verbose_name=_("plán"))
    kind = models.CharField(_("druh kapitoly"), max_length=12, choices=SectionKind.choices, default=SectionKind.OTHER)
    title = models.CharField(_("název"), max_length=255, validators=line_text())
    body = models.TextField(_("text"), blank=True, help_text=_("Odstavce oddělte prázdným řádkem."),
                            max_length=LONG_TEXT, validators=long_text())
    strengths = models.TextField(_("silné stránky"), blank=True, help_text=_("Jedna položka na řádek."),
                                 max_length=SHORT_TEXT, validators=short_text())
    weaknesses = models.TextField(_("slabé stránky"), blank=True, help_text=_("Jedna položka na řádek."),
                                  max_length=SHORT_TEXT, validators=short_text())
    opportunities = models.TextField(_("příležitosti"), blank=True, help_text=_("Jedna položka na řádek."),
                                     max_length=SHORT_TEXT, validators=short_text())
    threats = models.TextField(_("hrozby"), blank=True, help_text=_("Jedna položka na řádek."),
                               max_length=SHORT_TEXT, validators=short_text())
    order = models.PositiveSmallIntegerField(_("pořadí"), default=0)
    history = HistoricalRecords()

    SCOPE = _plan_scope("plan__")

    class Meta:
        verbose_name = _("kapitola plánu")
        verbose_name_plural = _("kapitoly plánu")
        ordering = ["plan", "order", "pk"]

    def __str__(self):
        return self.title

    @classmethod
    def public_q(cls):
        return Q(plan__status__in=PUBLISHED)

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]

    def swot(self) -> list[tuple[str, list[str]]]:
        return [(str(self._meta.get_field(f).verbose_name), [x.strip() for x in getattr(self, f).splitlines()
                                                             if x.strip()])
                for f in ("strengths", "weaknesses", "opportunities", "threats")]


class PriorityKind(models.TextChoices):
    SYSTEM = "system", _("systémová priorita")
    GROUP = "group", _("priorita pro cílovou skupinu")


class Priority(VersionedModel, ProvenanceModel):
    """Priorita plánu: systémová (A–D) nebo pro jednu ze čtyř cílových skupin JMK."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="priorities", verbose_name=_("plán"))
    kind = models.CharField(_("druh priority"), max_length=8, choices=PriorityKind.choices)
    target_group = models.PositiveSmallIntegerField(_("cílová skupina"), choices=PlanningGroup.choices,
                                                    null=True, blank=True)
    code = models.CharField(_("kód"), max_length=12,
                            help_text=_("Systémové priority A–D; u cílových skupin např. S1 (senioři, priorita 1)."))
    number = models.CharField(_("označení v dokumentu"), max_length=30, blank=True,
                              help_text=_("Např. „Priorita A“ nebo „PRIORITA 1“."), validators=line_text())
    title = models.CharField(_("název"), max_length=500, validators=line_text())
    description = models.TextField(_("popis"), blank=True, max_length=LONG_TEXT, validators=long_text())
    order = models.PositiveSmallIntegerField(_("pořadí"), default=0)
    history = HistoricalRecords()

    SCOPE = _plan_scope("plan__")

    class Meta:
        verbose_name = _("priorita")
        verbose_name_plural = _("priority")
        ordering = ["plan", "kind", "target_group", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="planning_priority_unique_code",
                                    violation_error_message=_("Priorita s tímto kódem už v plánu je.")),
            models.CheckConstraint(
                condition=(Q(kind="system") & Q(target_group__isnull=True))
                | (Q(kind="group") & Q(target_group__isnull=False)),
                name="planning_priority_group_matches_kind",
                violation_error_message=_("Priorita pro cílovou skupinu musí mít cílovou skupinu, systémová žádnou."),
            ),
        ]

    def __str__(self):
        return f"{self.label}: {self.title}"

    @classmethod
    def public_q(cls):
        return Q(plan__status__in=PUBLISHED)

    @property
    def label(self) -> str:
        return self.number or self.code


class Measure(VersionedModel, ProvenanceModel):
    """Opatření: what will be done under a priority, by whom, when, for how much and from which sources."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures", verbose_name=_("plán"),
                             editable=False)
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="measures",
                                 verbose_name=_("priorita"))
    code = models.CharField(_("kód"), max_length=16)
    title = models.CharField(_("název"), max_length=500, validators=line_text())
    description = models.TextField(_("popis"), blank=True, max_length=LONG_TEXT, validators=long_text())
    responsible = models.CharField(_("odpovědný subjekt"), max_length=255, validators=line_text())
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="planning_measures",
        verbose_name=_("odpovědná osoba (vykazuje plnění)"),
    )
    year_from = models.PositiveSmallIntegerField(_("realizace od roku"), validators=YEAR)
    year_to = models.PositiveSmallIntegerField(_("realizace do roku"), validators=YEAR)
    funding_note = models.CharField(_("zdroje financování (popis)"), max_length=500, blank=True,
                                    validators=line_text())
    services = models.ManyToManyField("registry.Service", related_name="planning_measures", blank=True,
                                      verbose_name=_("dotčené služby"))
    development_note = models.TextField(
        _("rozvojové záměry"), blank=True,
        help_text=_("Rozvojové záměry, kterých se opatření týká (propojení s modulem Síť doplní odkazy)."),
        max_length=LONG_TEXT, validators=long_text(),
    )
    order = models.PositiveSmallIntegerField(_("pořadí"), default=0)
    history = HistoricalRecords()

    SCOPE = _plan_scope("plan__")

    class Meta:
        verbose_name = _("opatření")
        verbose_name_plural = _("opatření")
        ordering = ["plan", "priority__kind", "priority__target_group", "priority__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="planning_measure_unique_code",
                                    violation_error_message=_("Opatření s tímto kódem už v plánu je.")),
            models.CheckConstraint(condition=Q(year_to__gte=F("year_from")), name="planning_measure_years_ordered",
                                   violation_error_message=_("Konec realizace nesmí předcházet začátku.")),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @classmethod
    def public_q(cls):
        return Q(plan__status__in=PUBLISHED)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A new measure belongs to its priority's plan (also before it is saved: the permission layer reads it).
        if self.priority_id and not self.plan_id:
            self.plan_id = self.priority.plan_id

    def save(self, *args, **kwargs):
        if self.priority_id and not self.plan_id:
            self.plan_id = self.priority.plan_id
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.priority_id:
            plan = self.priority.plan
            if self.plan_id and self.plan_id != plan.pk:
                errors["priority"] = _("Priorita patří jinému plánu.")
            if self.year_from and self.year_to and (self.year_from < plan.year_from or self.year_to > plan.year_to):
                errors["year_to"] = _("Realizace opatření musí ležet v období plánu (%(period)s).") % {
                    "period": plan.period_label}
        if errors:
            raise ValidationError(errors)

    @property
    def years(self) -> list[int]:
        return list(range(self.year_from, self.year_to + 1))

    def due_in(self, year: int) -> bool:
        return self.year_from <= year <= self.year_to


class FundingSource(models.TextChoices):
    REGION = "region", _("rozpočet kraje")
    STATE = "state", _("státní rozpočet (MPSV)")
    MUNICIPALITIES = "municipalities", _("rozpočty obcí")
    EU = "eu", _("fondy EU")
    PROVIDERS = "providers", _("poskytovatelé a úhrady")
    OTHER = "other", _("jiné zdroje")


class MeasureBudget(VersionedModel):
    """Předpokládané náklady opatření v jednom roce z jednoho zdroje (celé Kč)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="budget", verbose_name=_("opatření"))
    year = models.PositiveSmallIntegerField(_("rok"), validators=YEAR)
    source = models.CharField(_("zdroj"), max_length=16, choices=FundingSource.choices)
    amount = models.DecimalField(_("částka (Kč)"), max_digits=15, decimal_places=0, default=ZERO,
                                 validators=[MinValueValidator(ZERO)])
    history = HistoricalRecords()

    SCOPE = _plan_scope("measure__plan__")

    class Meta:
        verbose_name = _("předpokládané náklady opatření")
        verbose_name_plural = _("předpokládané náklady opatření")
        ordering = ["measure", "year", "source"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "year", "source"], name="planning_budget_unique",
                                    violation_error_message=_("Částka pro tento rok a zdroj už je zadaná.")),
            models.CheckConstraint(condition=Q(amount__gte=0), name="planning_budget_non_negative",
                                   violation_error_message=_("Částka nesmí být záporná.")),
        ]

    def __str__(self):
        return f"{self.measure.code} {self.year} {self.get_source_display()}: {self.amount}"

    @classmethod
    def public_q(cls):
        return Q(measure__plan__status__in=PUBLISHED)


class CapacityNeed(VersionedModel, ProvenanceModel):
    """Potřeba kapacity: the capacity of one kind of service (in one unit) that the ORP's community planning
    found its territory needs in one year — the *total* needed, not only the increase.

    The availability module shows it next to its own estimate of need and the registered supply
    (`selectors.planned_needs`). Only community plans carry needs; they change with the plan (draft or
    under comment), later through a new plan version.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="capacity_needs", verbose_name=_("plán"),
                             editable=False)
    kind = models.ForeignKey("registry.ServiceKind", on_delete=models.PROTECT, related_name="planned_needs",
                             verbose_name=_("druh služby"))
    capacity_type = models.ForeignKey("registry.CapacityType", on_delete=models.PROTECT, related_name="planned_needs",
                                      verbose_name=_("jednotka kapacity"))
    year = models.PositiveSmallIntegerField(_("rok"), validators=YEAR)
    capacity = models.DecimalField(
        _("potřebná kapacita"), max_digits=9, decimal_places=1, validators=[MinValueValidator(ZERO)],
        help_text=_("Celková kapacita, kterou území v daném roce potřebuje (ne jen přírůstek)."),
    )
    measure = models.ForeignKey(Measure, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="capacity_needs", verbose_name=_("opatření, které potřebu řeší"))
    basis = models.TextField(
        _("zdroj a zdůvodnění"), blank=True,
        help_text=_("Z čeho potřeba vychází: dotazníkové šetření, pořadníky žadatelů, závěry pracovní skupiny…"),
        max_length=SHORT_TEXT, validators=short_text(),
    )
    history = HistoricalRecords()

    SCOPE = _plan_scope("plan__")

    class Meta:
        verbose_name = _("potřeba kapacity")
        verbose_name_plural = _("potřeby kapacit")
        ordering = ["plan", "kind__code", "capacity_type__order", "year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "capacity_type", "year"],
                                    name="planning_capacity_need_unique",
                                    violation_error_message=_("Potřeba tohoto druhu v této jednotce a roce už je "
                                                              "v plánu zadaná.")),
            models.CheckConstraint(condition=Q(capacity__gte=0), name="planning_capacity_need_non_negative",
                                   violation_error_message=_("Potřebná kapacita nesmí být záporná.")),
        ]

    def __str__(self):
        return f"{self.kind.code} {self.year}: {self.capacity} {self.capacity_type.unit}"

    @classmethod
    def public_q(cls):
        return Q(plan__status__in=PUBLISHED)

    def clean(self):
        errors = {}
        if self.plan_id:
            plan = self.plan
            if plan.kind != PlanKind.COMMUNITY:
                errors["kind"] = _("Potřeby kapacit se zadávají v komunitním plánu ORP.")
            if self.year and not plan.year_from <= self.year <= plan.year_to:
                errors["year"] = _("Rok musí ležet v období plánu (%(period)s).") % {"period": plan.period_label}
            if self.measure_id and self.measure.plan_id != plan.pk:
                errors["measure"] = _("Opatření patří jinému plánu.")
            if self.kind_id and self.capacity_type_id and self.year and "year" not in errors and (
                    CapacityNeed.objects.filter(plan=plan, kind_id=self.kind_id, capacity_type_id=self.capacity_type_id,
                                                year=self.year).exclude(pk=self.pk).exists()):
                errors["year"] = _("Pro tento druh a jednotku už plán potřebu na rok %(year)s uvádí; upravte tu.") % {
                    "year": self.year}
        if self.kind_id and self.capacity_type_id:
            units = self.kind_units(self.kind_id)
            if units and self.capacity_type_id not in units:
                errors["capacity_type"] = _("Druh %(kind)s se registruje v jednotkách: %(units)s. Zadejte potřebu "
                                            "v některé z nich, jinak ji nelze porovnat s kapacitou.") % {
                    "kind": self.kind, "units": ", ".join(str(u) for u in units.values())}
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def kind_units(kind_id) -> dict:
        """Capacity types in which services of the kind are registered (anywhere); empty = no data, any unit."""
        from socplan.registry.models import Capacity, CapacityType

        ids = Capacity.objects.filter(service_form__service__kind_id=kind_id).values("capacity_type_id")
        return {t.pk: t for t in CapacityType.objects.filter(pk__in=ids).order_by("order")}


class Direction(models.TextChoices):
    UP = "up", _("vyšší je lepší")
    DOWN = "down", _("nižší je lepší")


class Indicator(VersionedModel):
    """Indikátor opatření: výchozí hodnota a cílové hodnoty po letech."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="indicators",
                                verbose_name=_("opatření"))
    name = models.CharField(_("název"), max_length=300, validators=line_text())
    unit = models.CharField(_("jednotka"), max_length=40, blank=True, validators=line_text())
    baseline = models.DecimalField(_("výchozí hodnota"), max_digits=14, decimal_places=2)
    baseline_year = models.PositiveSmallIntegerField(_("rok výchozí hodnoty"), validators=YEAR)
    direction = models.CharField(_("směr"), max_length=4, choices=Direction.choices, default=Direction.UP)
    order = models.PositiveSmallIntegerField(_("pořadí"), default=0)
    history = HistoricalRecords()

    SCOPE = _plan_scope("measure__plan__")

    class Meta:
        verbose_name = _("indikátor")
        verbose_name_plural = _("indikátory")
        ordering = ["measure", "order", "pk"]

    def __str__(self):
        return self.name

    @classmethod
    def public_q(cls):
        return Q(measure__plan__status__in=PUBLISHED)


class IndicatorTarget(VersionedModel):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets",
                                  verbose_name=_("indikátor"))
    year = models.PositiveSmallIntegerField(_("rok"), validators=YEAR)
    value = models.DecimalField(_("cílová hodnota"), max_digits=14, decimal_places=2)
    history = HistoricalRecords()

    SCOPE = _plan_scope("indicator__measure__plan__")

    class Meta:
        verbose_name = _("cílová hodnota indikátoru")
        verbose_name_plural = _("cílové hodnoty indikátorů")
        ordering = ["indicator", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="planning_target_unique_year",
                                               violation_error_message=_("Cíl pro tento rok už je zadaný."))]

    def __str__(self):
        return f"{self.indicator} {self.year}: {self.value}"

    @classmethod
    def public_q(cls):
        return Q(indicator__measure__plan__status__in=PUBLISHED)


MONITOR_EDIT_ROLES = EDIT_ROLES  # the responsible party: kraj staff and the ORP coordinator (+ the measure's responsible user)


class IndicatorValue(VersionedModel):
    """Skutečná hodnota indikátoru za rok, zadaná odpovědným subjektem."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values",
                                  verbose_name=_("indikátor"))
    year = models.PositiveSmallIntegerField(_("rok"), validators=YEAR)
    value = models.DecimalField(_("dosažená hodnota"), max_digits=14, decimal_places=2)
    note = models.CharField(_("poznámka"), max_length=500, blank=True, validators=line_text())
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("zadal"))
    entered_at = models.DateTimeField(_("zadáno"), auto_now=True)
    history = HistoricalRecords()

    SCOPE = _plan_scope("indicator__measure__plan__", edit_roles=MONITOR_EDIT_ROLES)

    class Meta:
        verbose_name = _("hodnota indikátoru")
        verbose_name_plural = _("hodnoty indikátorů")
        ordering = ["indicator", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="planning_value_unique_year",
                                               violation_error_message=_("Hodnota pro tento rok už je zadaná."))]

    def __str__(self):
        return f"{self.indicator} {self.year}: {self.value}"

    @classmethod
    def public_q(cls):
        return Q(indicator__measure__plan__status__in=PUBLISHED)


class MeasureState(models.TextChoices):
    NOT_STARTED = "not_started", _("nezahájeno")
    IN_PROGRESS = "in_progress", _("probíhá")
    DONE = "done", _("splněno")
    LATE = "late", _("zpožděno")
    DROPPED = "dropped", _("zrušeno")


class MeasureReport(VersionedModel):
    """Roční stav plnění opatření (monitoring): stav, % plnění a komentář."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="reports", verbose_name=_("opatření"))
    year = models.PositiveSmallIntegerField(_("rok"), validators=YEAR)
    state = models.CharField(_("stav plnění"), max_length=12, choices=MeasureState.choices)
    progress = models.PositiveSmallIntegerField(_("plnění (%)"), default=0,
                                                validators=[MinValueValidator(0), MaxValueValidator(100)])
    comment = models.TextField(_("komentář"), blank=True, max_length=SHORT_TEXT, validators=short_text())
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("zadal"))
    entered_at = models.DateTimeField(_("zadáno"), auto_now=True)
    history = HistoricalRecords()

    SCOPE = _plan_scope("measure__plan__", edit_roles=MONITOR_EDIT_ROLES)

    class Meta:
        verbose_name = _("stav plnění opatření")
        verbose_name_plural = _("stavy plnění opatření")
        ordering = ["measure", "year"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "year"], name="planning_report_unique_year",
                                    violation_error_message=_("Stav plnění pro tento rok už je zadaný.")),
            models.CheckConstraint(condition=Q(progress__lte=100), name="planning_report_progress_max_100",
                                   violation_error_message=_("Plnění může být nejvýše 100 %.")),
            models.CheckConstraint(condition=~Q(state="done") | Q(progress=100), name="planning_report_done_is_100",
                                   violation_error_message=_("Splněné opatření má plnění 100 %.")),
        ]

    def __str__(self):
        return f"{self.measure.code} {self.year}: {self.get_state_display()} ({self.progress} %)"

    @classmethod
    def public_q(cls):
        return Q(measure__plan__status__in=PUBLISHED)


class Milestone(VersionedModel):
    """Milník opatření s termínem; splněný má datum splnění."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="milestones",
                                verbose_name=_("opatření"))
    title = models.CharField(_("název"), max_length=300, validators=line_text())
    due_on = models.DateField(_("termín"))
    done_on = models.DateField(_("splněno dne"), null=True, blank=True)
    history = HistoricalRecords()

    SCOPE = _plan_scope("measure__plan__", edit_roles=MONITOR_EDIT_ROLES)

    class Meta:
        verbose_name = _("milník")
        verbose_name_plural = _("milníky")
        ordering = ["measure", "due_on", "pk"]

    def __str__(self):
        return self.title

    @classmethod
    def public_q(cls):
        return Q(measure__plan__status__in=PUBLISHED)


class ActionPlanStatus(models.TextChoices):
    DRAFT = "draft", _("návrh")
    APPROVED = "approved", _("schválený")


class ActionPlan(VersionedModel):
    """Akční plán na rok: opatření daného roku, síť na rok, přijaté rozvojové záměry, finanční výhled."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="action_plans", verbose_name=_("plán"))
    year = models.PositiveSmallIntegerField(_("rok"), validators=YEAR)
    title = models.CharField(_("název"), max_length=255, validators=line_text())
    status = models.CharField(_("stav"), max_length=10, choices=ActionPlanStatus.choices,
                              default=ActionPlanStatus.DRAFT)
    intro = models.TextField(_("úvod a postup tvorby"), blank=True,
                             max_length=LONG_TEXT, validators=long_text())
    approved_on = models.DateField(_("schváleno dne"), null=True, blank=True)
    approval_ref = models.CharField(_("schvalující usnesení"), max_length=200, blank=True,
                                    validators=line_text())
    history = HistoricalRecords()

    SCOPE = _plan_scope("plan__")

    class Meta:
        verbose_name = _("akční plán")
        verbose_name_plural = _("akční plány")
        ordering = ["plan", "year"]
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="planning_action_plan_unique_year",
                                               violation_error_message=_("Akční plán na tento rok už existuje."))]

    def __str__(self):
        return self.title

    @classmethod
    def public_q(cls):
        return Q(plan__status__in=PUBLISHED, status=ActionPlanStatus.APPROVED)

    @property
    def published(self) -> bool:
        return self.status == ActionPlanStatus.APPROVED and self.plan.published

    def clean(self):
        if self.plan_id and self.year and not (self.plan.year_from <= self.year <= self.plan.year_to):
            raise ValidationError({"year": _("Rok akčního plánu musí ležet v období plánu (%(period)s).") % {
                "period": self.plan.period_label}})


# --- participation ------------------------------------------------------------------------------------------

class Side(models.TextChoices):
    USERS = "users", _("uživatelé")
    PROVIDERS = "providers", _("poskytovatelé")
    COMMISSIONERS = "commissioners", _("zadavatelé")
    PUBLIC = "public", _("veřejnost")


class WorkingGroup(VersionedModel):
    """Pracovní skupina komunitního (krajského) plánování, zpravidla pro jednu cílovou skupinu."""

    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="working_groups",
                               verbose_name=_("kraj"))
    orp = models.ForeignKey("territory.Orp", on_delete=models.PROTECT, related_name="working_groups", null=True,
                            blank=True, verbose_name=_("ORP"), help_text=_("Prázdné = krajská pracovní skupina."))
    target_group = models.PositiveSmallIntegerField(_("cílová skupina"), choices=PlanningGroup.choices, null=True,
                                                    blank=True)
    name = models.CharField(_("název"), max_length=255, validators=line_text())
    description = models.TextField(_("popis"), blank=True, max_length=LONG_TEXT, validators=long_text())
    is_active = models.BooleanField(_("aktivní"), default=True)
    history = HistoricalRecords()

    SCOPE = {"region": "region", "district": "orp__district", "orp": "orp", "provider": None, "private": False,
             "edit_roles": EDIT_ROLES}

    class Meta:
        verbose_name = _("pracovní skupina")
        verbose_name_plural = _("pracovní skupiny")
        ordering = ["region", "orp__name", "target_group", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.orp_id and self.region_id and self.orp.region_id != self.region_id:
            raise ValidationError({"orp": _("ORP neleží v zadaném kraji.")})


class WorkingGroupMember(VersionedModel):
    """Člen pracovní skupiny za jednu ze stran komunitního plánování (osobní údaje: neveřejné)."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="members",
                              verbose_name=_("pracovní skupina"))
    name = models.CharField(_("jméno"), max_length=200, validators=line_text())
    organisation = models.CharField(_("organizace"), max_length=255, blank=True, validators=line_text())
    side = models.CharField(_("strana"), max_length=14, choices=Side.choices)
    email = models.EmailField(_("e-mail"), blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="planning_memberships", verbose_name=_("uživatelský účet"))
    is_leader = models.BooleanField(_("vedoucí skupiny"), default=False)
    is_active = models.BooleanField(_("aktivní"), default=True)
    history = HistoricalRecords()

    SCOPE = {"region": "group__region", "district": "group__orp__district", "orp": "group__orp", "provider": None,
             "private": True, "edit_roles": EDIT_ROLES}

    class Meta:
        verbose_name = _("člen pracovní skupiny")
        verbose_name_plural = _("členové pracovních skupin")
        ordering = ["group", "-is_leader", "side", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_side_display()})"


class Meeting(VersionedModel):
    """Setkání plánování (pracovní skupiny, veřejné projednání) se zápisem."""

    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="planning_meetings",
                               verbose_name=_("kraj"))
    orp = models.ForeignKey("territory.Orp", on_delete=models.PROTECT, related_name="planning_meetings", null=True,
                            blank=True, verbose_name=_("ORP"))
    group = models.ForeignKey(WorkingGroup, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="meetings", verbose_name=_("pracovní skupina"))
    plan = models.ForeignKey(Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings",
                             verbose_name=_("projednávaný plán"))
    title = models.CharField(_("název"), max_length=255, validators=line_text())
    starts_at = models.DateTimeField(_("začátek"))
    ends_at = models.DateTimeField(_("konec"), null=True, blank=True)
    place = models.CharField(_("místo"), max_length=300, validators=line_text())
    description = models.TextField(_("program"), blank=True, max_length=LONG_TEXT, validators=long_text())
    is_public = models.BooleanField(_("veřejné setkání"), default=True,
                                    help_text=_("Veřejná setkání se zobrazují v kalendáři pro občany."))
    minutes = models.TextField(_("zápis"), blank=True, max_length=LONG_TEXT, validators=long_text())
    minutes_published = models.BooleanField(_("zápis zveřejněn"), default=False)
    attendance = models.PositiveIntegerField(_("počet účastníků"), null=True, blank=True)
    history = HistoricalRecords()

    SCOPE = {"region": "region", "district": "orp__district", "orp": "orp", "provider": None, "private": False,
             "edit_roles": EDIT_ROLES}

    class Meta:
        verbose_name = _("setkání")
        verbose_name_plural = _("setkání")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                                   name="planning_meeting_times_ordered",
                                   violation_error_message=_("Konec setkání nesmí předcházet začátku.")),
        ]

    def __str__(self):
        return self.title

    @classmethod
    def public_q(cls):
        return Q(is_public=True)


class Resolution(models.TextChoices):
    PENDING = "pending", _("nevypořádáno")
    ACCEPTED = "accepted", _("akceptováno")
    PARTLY = "partly", _("akceptováno částečně")
    REJECTED = "rejected", _("neakceptováno")


class Channel(models.TextChoices):
    ACCOUNT = "account", _("přihlášený uživatel")
    PUBLIC = "public", _("veřejný formulář")
    API = "api", _("API")


class Comment(VersionedModel):
    """Připomínka k návrhu plánu (k plánu, kapitole, prioritě nebo opatření) a její vypořádání."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="comments", verbose_name=_("plán"))
    section = models.ForeignKey(PlanSection, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="comments", verbose_name=_("kapitola"))
    priority = models.ForeignKey(Priority, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="comments", verbose_name=_("priorita"))
    measure = models.ForeignKey(Measure, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments",
                                verbose_name=_("opatření"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="planning_comments", verbose_name=_("uživatel"))
    author_name = models.CharField(_("autor"), max_length=200, validators=line_text())
    author_email = models.EmailField(_("e-mail autora"), blank=True)
    organisation = models.CharField(_("organizace"), max_length=255, blank=True, validators=line_text())
    text = models.TextField(_("připomínka"), max_length=SHORT_TEXT, validators=short_text())
    channel = models.CharField(_("podáno přes"), max_length=8, choices=Channel.choices, default=Channel.ACCOUNT)
    submitted_at = models.DateTimeField(_("podáno"), auto_now_add=True)
    resolution = models.CharField(_("vypořádání"), max_length=10, choices=Resolution.choices,
                                  default=Resolution.PENDING)
    reasoning = models.TextField(_("odůvodnění vypořádání"), blank=True,
                                 max_length=SHORT_TEXT, validators=short_text())
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("vypořádal"))
    resolved_at = models.DateTimeField(_("vypořádáno"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["author_email"])

    SCOPE = _plan_scope("plan__")

    class Meta:
        verbose_name = _("připomínka")
        verbose_name_plural = _("připomínky")
        ordering = ["plan", "submitted_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(resolution="pending") | ~Q(reasoning=""),
                                   name="planning_comment_resolution_reasoned",
                                   violation_error_message=_("Vypořádání připomínky musí mít odůvodnění.")),
        ]

    def __str__(self):
        return f"{self.author_name}: {self.text[:60]}"

    @classmethod
    def public_q(cls):
        # The settlement table is public once the coordinator publishes it (without e-mails).
        return Q(plan__settlement_published=True, plan__status__in=PUBLISHED)

    @property
    def target_label(self) -> str:
        if self.measure_id:
            return f"{_('opatření')} {self.measure.code}"
        if self.priority_id:
            return f"{_('priorita')} {self.priority.label}"
        if self.section_id:
            return f"{_('kapitola')} {self.section.title}"
        return str(_("plán jako celek"))

    def clean(self):
        errors = {}
        for name in ("section", "priority", "measure"):
            target = getattr(self, name)
            if target is not None and self.plan_id and target.plan_id != self.plan_id:
                errors[name] = _("Cíl připomínky patří jinému plánu.")
        if errors:
            raise ValidationError(errors)


# --- contracts with the ORP ---------------------------------------------------------------------------------

class OrpContract(VersionedModel):
    """Smlouva kraje s ORP o zajištění komunitního plánování (období, příspěvek, povinnosti)."""

    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="planning_contracts",
                               verbose_name=_("kraj"))
    orp = models.ForeignKey("territory.Orp", on_delete=models.PROTECT, related_name="planning_contracts",
                            verbose_name=_("ORP"))
    number = models.CharField(_("číslo smlouvy"), max_length=60, validators=line_text())
    date_from = models.DateField(_("platnost od"))
    date_to = models.DateField(_("platnost do"))
    contribution = models.DecimalField(_("příspěvek kraje ročně (Kč)"), max_digits=15, decimal_places=0,
                                       validators=[MinValueValidator(ZERO)])
    obligations = models.TextField(_("povinnosti ORP"), help_text=_("Jedna povinnost na řádek."),
                                   max_length=SHORT_TEXT, validators=short_text())
    signed_on = models.DateField(_("podepsáno dne"), null=True, blank=True)
    history = HistoricalRecords()

    SCOPE = {"region": "region", "district": "orp__district", "orp": "orp", "provider": None, "private": True,
             "edit_roles": REGION_EDIT_ROLES, "view_roles": EDIT_ROLES + ("district_team",)}

    class Meta:
        verbose_name = _("smlouva s ORP")
        verbose_name_plural = _("smlouvy s ORP")
        ordering = ["orp__name", "-date_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "number"], name="planning_contract_unique_number",
                                    violation_error_message=_("Smlouva s tímto číslem už existuje.")),
            models.CheckConstraint(condition=Q(date_to__gte=F("date_from")), name="planning_contract_dates_ordered",
                                   violation_error_message=_("Konec platnosti nesmí předcházet začátku.")),
        ]

    def __str__(self):
        return f"{self.number} ({self.orp})"

    @property
    def obligation_list(self) -> list[str]:
        return [x.strip() for x in self.obligations.splitlines() if x.strip()]

    @property
    def years(self) -> list[int]:
        return list(range(self.date_from.year, self.date_to.year + 1))

    def clean(self):
        if self.orp_id and self.region_id and self.orp.region_id != self.region_id:
            raise ValidationError({"orp": _("ORP neleží v zadaném kraji.")})


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("rozpracováno")
    SUBMITTED = "submitted", _("odevzdáno")
    ACCEPTED = "accepted", _("přijato")
    RETURNED = "returned", _("vráceno k doplnění")


class OrpYearReport(VersionedModel):
    """Roční zpráva ORP o průběhu komunitního plánování podle smlouvy s krajem."""

    contract = models.ForeignKey(OrpContract, on_delete=models.CASCADE, related_name="reports",
                                 verbose_name=_("smlouva"))
    year = models.PositiveSmallIntegerField(_("rok"), validators=YEAR)
    status = models.CharField(_("stav"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    activities = models.TextField(_("realizované aktivity"), blank=True,
                                  max_length=LONG_TEXT, validators=long_text())
    meetings_held = models.PositiveSmallIntegerField(_("počet setkání"), default=0)
    participants = models.PositiveIntegerField(_("počet zapojených osob"), default=0)
    plan_changes = models.TextField(_("změny a aktualizace plánu"), blank=True,
                                    max_length=LONG_TEXT, validators=long_text())
    contribution_spent = models.DecimalField(_("čerpání příspěvku (Kč)"), max_digits=15, decimal_places=0,
                                             default=ZERO, validators=[MinValueValidator(ZERO)])
    submitted_at = models.DateTimeField(_("odevzdáno"), null=True, blank=True)
    review_note = models.TextField(_("vyjádření kraje"), blank=True,
                                   max_length=SHORT_TEXT, validators=short_text())
    history = HistoricalRecords()

    SCOPE = {"region": "contract__region", "district": "contract__orp__district", "orp": "contract__orp",
             "provider": None, "private": True, "edit_roles": EDIT_ROLES, "view_roles": EDIT_ROLES + ("district_team",)}

    class Meta:
        verbose_name = _("roční zpráva ORP")
        verbose_name_plural = _("roční zprávy ORP")
        ordering = ["contract", "year"]
        constraints = [models.UniqueConstraint(fields=["contract", "year"], name="planning_orp_report_unique_year",
                                               violation_error_message=_("Zpráva za tento rok už existuje."))]

    def __str__(self):
        return f"{self.contract.orp} {self.year}"

    def clean(self):
        if self.contract_id and self.year and self.year not in self.contract.years:
            raise ValidationError({"year": _("Rok zprávy musí ležet v období platnosti smlouvy.")})
        if self.contract_id and self.contribution_spent and self.contribution_spent > self.contract.contribution:
            raise ValidationError({"contribution_spent": _("Čerpání nesmí převýšit roční příspěvek kraje.")})
