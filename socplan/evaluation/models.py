"""Evaluation of services as data: the yearly methodology of a kraj, the region's assessments of each
service, and stored evaluation runs (snapshots of the results with their breakdowns).

The methodology is stored relationally (criteria → indicators → scales and reference values per kind key) so
that officers can edit one piece at a time and every change is in the audit history; the engine works on
its framework-free dataclasses, and ``socplan.evaluation.conversion`` converts between the two.

Kind keys (``key`` of a scale or a reference value, and of ``Methodology.thresholds``) follow the engine's
lookup: ``"49:pob"`` (kind and form) → ``"49"`` (kind) → ``"D"`` (kind group) → ``"*"`` (default); the most
specific key present wins (docs/evaluation.md §1.1).

Permissions (``SCOPE``): the methodology is public (it is published); assessments and results are private —
region staff of the kraj and the provider of the service may read them, only region staff may change them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from socplan.accounts.models import REGION_ROLES
from socplan.core.models import ProvenanceModel, VersionedModel

ZERO = Decimal(0)
REGION_STAFF = tuple(sorted(REGION_ROLES))
GRADE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(3)]


class MethodologyStatus(models.TextChoices):
    DRAFT = "draft", _("návrh")
    APPROVED = "approved", _("schválená")


class Direction(models.TextChoices):
    HIGHER = "higher", _("vyšší hodnota je lepší")
    LOWER = "lower", _("nižší hodnota je lepší")
    ASSESSMENT = "assessment", _("hodnocení zadané krajem (vyšší stupeň je lepší)")


class Methodology(VersionedModel):
    """Metodika hodnocení kraje pro jeden rok (a its revision: a change of an approved one is a new revision)."""

    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="evaluation_methodologies",
                               verbose_name=_("kraj"))
    year = models.PositiveSmallIntegerField(_("rok"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    revision = models.PositiveSmallIntegerField(
        _("verze metodiky"), default=1,
        help_text=_("Pořadové číslo verze metodiky v roce; změna schválené metodiky vytvoří novou verzi."),
    )
    code = models.CharField(_("kód"), max_length=40)
    name = models.CharField(_("název"), max_length=255)
    status = models.CharField(_("stav"), max_length=10, choices=MethodologyStatus.choices,
                              default=MethodologyStatus.DRAFT)
    copied_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies",
                                    verbose_name=_("zkopírováno z"))
    max_points = models.DecimalField(_("maximum bodů ukazatele"), max_digits=6, decimal_places=2,
                                     default=Decimal(10), validators=[MinValueValidator(Decimal("0.01"))])
    kind_groups = models.JSONField(
        _("skupiny druhů"), default=dict, blank=True,
        help_text=_("Druh (nebo druh:forma) → skupina A/B/C/D; klíče jsou druhy, které metodika hodnotí."),
    )
    thresholds = models.JSONField(
        _("práh pro síť"), default=dict, blank=True,
        help_text=_("Minimální počet bodů pro zařazení do sítě podle klíče druhu („*“ = výchozí)."),
    )
    notes = models.TextField(_("poznámky"), blank=True)
    approved_at = models.DateTimeField(_("schváleno"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    editable=False, related_name="+", verbose_name=_("schválil"))
    created_at = models.DateTimeField(_("vytvořeno"), auto_now_add=True)
    history = HistoricalRecords()

    SCOPE = {"region": "region", "district": None, "orp": None, "provider": None, "private": False,
             "edit_roles": REGION_STAFF}

    class Meta:
        verbose_name = _("metodika hodnocení")
        verbose_name_plural = _("metodiky hodnocení")
        ordering = ["region", "-year", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "revision"], name="evaluation_methodology_unique",
                                    violation_error_message=_("Metodika s touto verzí pro kraj a rok už existuje.")),
        ]

    def __str__(self):
        return f"{self.name} – {self.year}, verze {self.revision} ({self.get_status_display()})"

    @property
    def is_approved(self) -> bool:
        return self.status == MethodologyStatus.APPROVED


class Criterion(models.Model):
    """Kritérium hodnocení s vahou v % celkového počtu bodů (součet vah = 100 %)."""

    methodology = models.ForeignKey(Methodology, on_delete=models.CASCADE, related_name="criteria",
                                    verbose_name=_("metodika"))
    code = models.CharField(_("kód"), max_length=20)
    name = models.CharField(_("název"), max_length=200)
    weight = models.DecimalField(_("váha (%)"), max_digits=6, decimal_places=2,
                                 validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal(100))])
    order = models.PositiveSmallIntegerField(_("pořadí"), default=0)
    history = HistoricalRecords()

    SCOPE = {"region": "methodology__region", "district": None, "orp": None, "provider": None, "private": False,
             "edit_roles": REGION_STAFF}

    class Meta:
        verbose_name = _("kritérium hodnocení")
        verbose_name_plural = _("kritéria hodnocení")
        ordering = ["methodology", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["methodology", "code"], name="evaluation_criterion_unique_code"),
        ]

    def __str__(self):
        return f"{self.name} ({self.weight} %)"


class Indicator(models.Model):
    """Ukazatel: a computed unit cost or ratio, or a grade entered by the region (``assess_*``)."""

    methodology = models.ForeignKey(Methodology, on_delete=models.CASCADE, related_name="indicators",
                                    verbose_name=_("metodika"))
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="indicators",
                                  verbose_name=_("kritérium"))
    code = models.CharField(_("kód"), max_length=40,
                            help_text=_("Sloupec výpočtu ukazatelů (např. cost_per_fte) nebo hodnocení assess_…"))
    name = models.CharField(_("název"), max_length=200)
    direction = models.CharField(_("směr"), max_length=10, choices=Direction.choices)
    share = models.DecimalField(_("podíl na váze kritéria"), max_digits=8, decimal_places=4, default=Decimal(1),
                                validators=[MinValueValidator(Decimal("0.0001"))])
    relative = models.BooleanField(_("poměřovat referenční hodnotou"), default=False,
                                   help_text=_("Stupnice se použije na podíl hodnota / referenční hodnota."))
    unit = models.CharField(_("jednotka"), max_length=40, blank=True)
    value_min = models.FloatField(_("nejmenší přípustná hodnota"), null=True, blank=True)
    value_max = models.FloatField(_("největší přípustná hodnota"), null=True, blank=True)
    description = models.TextField(_("popis"), blank=True)
    order = models.PositiveSmallIntegerField(_("pořadí"), default=0)
    history = HistoricalRecords()

    SCOPE = {"region": "methodology__region", "district": None, "orp": None, "provider": None, "private": False,
             "edit_roles": REGION_STAFF}

    class Meta:
        verbose_name = _("ukazatel hodnocení")
        verbose_name_plural = _("ukazatele hodnocení")
        ordering = ["methodology", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["methodology", "code"], name="evaluation_indicator_unique_code"),
        ]

    def __str__(self):
        return self.name


class Scale(models.Model):
    """Bodová stupnice ukazatele pro jeden klíč druhu (druh:forma, druh, skupina nebo „*“).

    ``thresholds`` t1 < … < tn and ``points`` p0 … pn (one more) cut the number line into bands; a value at a
    threshold gets the better band. ``applicable = False`` means the indicator does not apply (neuplatňuje se).
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="scales",
                                  verbose_name=_("ukazatel"))
    key = models.CharField(_("platí pro"), max_length=20,
                           help_text=_("druh:forma (49:pob), druh (49), skupina (D) nebo * pro ostatní"))
    applicable = models.BooleanField(_("ukazatel se uplatňuje"), default=True)
    thresholds = models.JSONField(_("hranice pásem"), default=list, blank=True)
    points = models.JSONField(_("body pásem"), default=list, blank=True)
    history = HistoricalRecords()

    SCOPE = {"region": "indicator__methodology__region", "district": None, "orp": None, "provider": None,
             "private": False, "edit_roles": REGION_STAFF}

    class Meta:
        verbose_name = _("bodová stupnice")
        verbose_name_plural = _("bodové stupnice")
        ordering = ["indicator", "key"]
        constraints = [models.UniqueConstraint(fields=["indicator", "key"], name="evaluation_scale_unique_key")]

    def __str__(self):
        return f"{self.indicator} – {self.key}"


class ReferenceValue(models.Model):
    """Referenční (normativní) hodnota ukazatele pro klíč druhu v roce metodiky."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="references",
                                  verbose_name=_("ukazatel"))
    key = models.CharField(_("platí pro"), max_length=20,
                           help_text=_("druh:forma (49:pob), druh (49), skupina (D) nebo * pro ostatní"))
    value = models.FloatField(_("referenční hodnota"))
    note = models.CharField(_("zdroj / poznámka"), max_length=200, blank=True)
    history = HistoricalRecords()

    SCOPE = {"region": "indicator__methodology__region", "district": None, "orp": None, "provider": None,
             "private": False, "edit_roles": REGION_STAFF}

    class Meta:
        verbose_name = _("referenční hodnota")
        verbose_name_plural = _("referenční hodnoty")
        ordering = ["indicator", "key"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "key"], name="evaluation_reference_unique_key"),
        ]

    def __str__(self):
        return f"{self.indicator} – {self.key}: {self.value}"


class Assessment(VersionedModel, ProvenanceModel):
    """Hodnocení služby krajem v roce: grades 0–3 (entered by the region) and output figures (výkony).

    Grades: 0 nevyhovuje, 1 s výhradami, 2 dobře, 3 výborně. Empty = not assessed → the indicator is
    *missing* for the service (0 points, reported), never a grade 0.
    """

    service = models.ForeignKey("registry.Service", on_delete=models.CASCADE, related_name="assessments",
                                verbose_name=_("služba"))
    year = models.PositiveSmallIntegerField(_("rok"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    grade_specifics = models.PositiveSmallIntegerField(
        _("specifikum cílové skupiny a služby (0–3)"), null=True, blank=True, validators=GRADE_VALIDATORS)
    grade_cooperation = models.PositiveSmallIntegerField(
        _("spolupráce s dalšími službami (0–3)"), null=True, blank=True, validators=GRADE_VALIDATORS)
    grade_community_planning = models.PositiveSmallIntegerField(
        _("zapojení do komunitního plánování (0–3)"), null=True, blank=True, validators=GRADE_VALIDATORS)
    grade_inspection = models.PositiveSmallIntegerField(
        _("výsledek inspekce kvality (0–3)"), null=True, blank=True, validators=GRADE_VALIDATORS)
    grade_complaints = models.PositiveSmallIntegerField(
        _("stížnosti (0–3)"), null=True, blank=True, validators=GRADE_VALIDATORS)
    inspection_findings = models.TextField(_("zjištění inspekce kvality"), blank=True)
    complaints_note = models.TextField(_("stížnosti (popis, oprávněnost)"), blank=True)
    cooperation_note = models.TextField(_("spolupráce a komunitní plánování (popis)"), blank=True)
    specifics_note = models.TextField(_("specifika cílové skupiny (popis)"), blank=True)
    clients = models.PositiveIntegerField(_("počet klientů za rok"), null=True, blank=True)
    bed_days = models.PositiveIntegerField(_("realizované lůžkodny"), null=True, blank=True)
    contacts = models.PositiveIntegerField(_("počet kontaktů za rok"), null=True, blank=True)
    interventions = models.PositiveIntegerField(_("počet intervencí za rok"), null=True, blank=True)
    history = HistoricalRecords()

    SCOPE = {"region": "service__region", "district": None, "orp": None, "provider": "service__provider",
             "private": True, "edit_roles": REGION_STAFF}

    class Meta:
        verbose_name = _("hodnocení služby krajem")
        verbose_name_plural = _("hodnocení služeb krajem")
        ordering = ["service", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["service", "year"], name="evaluation_assessment_unique_year",
                                    violation_error_message=_("Hodnocení služby pro tento rok už existuje.")),
        ]

    def __str__(self):
        return f"{self.service} {self.year}"


class EvaluationRun(models.Model):
    """One stored evaluation of all services of a kraj in a year (a snapshot; results are not recomputed)."""

    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="evaluation_runs",
                               verbose_name=_("kraj"))
    year = models.PositiveSmallIntegerField(_("rok"))
    methodology = models.ForeignKey(Methodology, on_delete=models.PROTECT, related_name="runs",
                                    verbose_name=_("metodika"))
    methodology_data = models.JSONField(_("metodika v době výpočtu"), default=dict,
                                        help_text=_("Úplná kopie metodiky, podle které se počítalo."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("spustil"))
    created_at = models.DateTimeField(_("vypočteno"), auto_now_add=True)
    n_services = models.PositiveIntegerField(_("hodnocených služeb"), default=0)
    n_meeting = models.PositiveIntegerField(_("služeb splňujících práh"), default=0)
    n_with_missing = models.PositiveIntegerField(_("služeb s chybějícími údaji"), default=0)
    skipped = models.JSONField(_("nehodnocené služby"), default=list, blank=True,
                               help_text=_("Služby, které metodika nehodnotí (např. druh mimo metodiku)."))
    synthetic = models.BooleanField(_("z demo dat"), default=False)
    history = HistoricalRecords()

    SCOPE = {"region": "region", "district": None, "orp": None, "provider": None, "private": True,
             "view_roles": REGION_STAFF, "edit_roles": REGION_STAFF}

    class Meta:
        verbose_name = _("výpočet hodnocení")
        verbose_name_plural = _("výpočty hodnocení")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["region", "year"])]

    def __str__(self):
        return f"{self.region} {self.year} ({self.created_at:%d. %m. %Y %H:%M})" if self.created_at else str(self.year)


class ServiceEvaluation(models.Model):
    """The result of one service in a stored run: score, rank, threshold, missing indicators, breakdown."""

    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="results",
                            verbose_name=_("výpočet"))
    service = models.ForeignKey("registry.Service", on_delete=models.CASCADE, related_name="evaluations",
                                verbose_name=_("služba"))
    kind = models.CharField(_("druh (§)"), max_length=10)
    form = models.CharField(_("forma"), max_length=8, blank=True)
    group = models.CharField(_("skupina"), max_length=4, blank=True)
    score = models.FloatField(_("body"))
    max_score = models.FloatField(_("dosažitelné body"), default=100)
    rank = models.PositiveIntegerField(_("pořadí v druhu"))
    n_ranked = models.PositiveIntegerField(_("služeb druhu"))
    threshold = models.FloatField(_("práh pro síť"))
    meets_threshold = models.BooleanField(_("splňuje práh"))
    missing = models.JSONField(_("chybějící ukazatele"), default=list, blank=True)
    capacity = models.PositiveIntegerField(
        _("použitá kapacita"), null=True, blank=True,
        help_text=_("Kapacita služby v roce, se kterou výpočet počítal (síť kraje, jinak registr)."))
    capacity_type = models.CharField(_("jednotka použité kapacity"), max_length=10, blank=True)
    breakdown = models.JSONField(_("rozpad bodů"), default=list, blank=True)
    message = models.TextField(_("vysvětlení"), blank=True)
    history = HistoricalRecords()

    SCOPE = {"region": "run__region", "district": None, "orp": None, "provider": "service__provider",
             "private": True, "edit_roles": REGION_STAFF}

    class Meta:
        verbose_name = _("výsledek hodnocení služby")
        verbose_name_plural = _("výsledky hodnocení služeb")
        ordering = ["run", "kind", "rank", "service_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "service"], name="evaluation_result_unique_service"),
        ]

    def __str__(self):
        return f"{self.service_id}: {self.score:.2f}"
