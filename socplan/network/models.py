"""The regional network of social services (síť sociálních služeb, §3 i) and §95 h) of Act 108/2006).

* :class:`NetworkParameters` – the yearly settings of a kraj: tiers (:class:`Tier`), entry conditions
  (:class:`ConditionRule`) and their parameters (co-financing rates, optimal costs, points thresholds, with
  per-kind overrides in :class:`KindParameter`). Officers edit them.
* :class:`NetworkVersion` – one version of a year's network: amendment 0 is the network set by the action
  plan, 1, 2 … are the numbered amendments (dodatky) during the year. A version is drafted, negotiated,
  **approved – and immutable from then on** (``ImmutableWhenApproved``: ``save()``/``delete()`` raise, and so
  do changes of its entries) – and published (:class:`NetworkPublication`). A change of an approved network is a
  new amendment: a draft copy of the latest approved version that supersedes it.
* :class:`NetworkEntry` – a service (or a part of it: a form, an ORP) in a version, with capacity, FTE, tier,
  territory of entrustment (Pověření), the Pověření period and its status (existing / new / expanded).
* :class:`DevelopmentRequest` – rozvojový záměr, with its path (submitted → ORP opinion → district review →
  evaluation → decision, or returned for completion) recorded as :class:`RequestEvent` rows (steps and comments).
* :class:`CofinancingDeclaration` – a municipality's commitment to a service (or a request) for a year.
* :class:`DistrictComment` / :class:`DistrictProposal` – the district team's negotiation of its okres.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from socplan.accounts.immutability import ApprovedRecordImmutable, ImmutableWhenApproved
from socplan.core.models import EditionMixin, EditionQuerySet, VersionedModel
from socplan.core.text_limits import SHORT_TEXT, line_text, short_text

from .engine.cofinancing import BAND_MAX, BAND_MIN, rate_error
from .engine.conditions import APPLIES_ALL, APPLIES_DEVELOPMENT, APPLIES_EXISTING

ZERO = Decimal(0)
YEAR = [MinValueValidator(2000), MaxValueValidator(2100)]
REGION_ROLES = ("region_admin", "region_officer")
PERCENT = [MinValueValidator(ZERO), MaxValueValidator(Decimal(100))]
BUDGET_LIMIT_HELP = _("Jen pro podmínku „rozpočet“ rozvojových záměrů (předpokládané náklady ≤ limit × počet "
                      "jednotek). Není to optimalizovaný náklad: spolufinancování obcí se počítá z optimalizovaných "
                      "nákladů modulu financování.")


def validate_cofinancing_rate(value):
    """0 % or within the band 10–20 % (network.engine.cofinancing)."""
    message = rate_error(value)
    if message is not None:
        raise ValidationError(message, code="cofinancing_band")


COFINANCING_RATE = [validate_cofinancing_rate]
BAND_MESSAGE = _("Sazba spolufinancování obcí musí být 0 % nebo v rozmezí 10–20 %.")


def cofinancing_band_q(field: str, *, nullable: bool = False) -> Q:
    """The database check of the band: 0, or 10 ≤ rate ≤ 20 (or empty)."""
    q = Q(**{field: ZERO}) | Q(**{f"{field}__gte": BAND_MIN, f"{field}__lte": BAND_MAX})
    return (Q(**{f"{field}__isnull": True}) | q) if nullable else q
NO_ROWS = Q(pk__in=[])


# --- yearly parameters --------------------------------------------------------------------------------------

class NetworkParameters(EditionMixin, VersionedModel):
    """Nastavení sítě kraje na rok: úrovně sítě, podmínky vstupu a jejich parametry.

    Once an approved network version has used a set it is frozen; a change is a new set of the same kraj and year
    (``edition`` + 1) that ``supersedes`` it. The approved versions keep pointing at the set they were approved
    with (``NetworkVersion.parameters``, their entries' tiers); new drafts use the newest set (``current()``).
    """

    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="network_parameters",
                               verbose_name=_("kraj"))
    year = models.PositiveSmallIntegerField(_("rok"), validators=YEAR)
    cofinancing_rate = models.DecimalField(
        _("spolufinancování obcí – obecná sazba (%)"), max_digits=5, decimal_places=2, default=Decimal(10),
        validators=COFINANCING_RATE,
        help_text=_("Podíl optimalizovaných nákladů položky (spočtených modulem financování), který obce "
                    "spolufinancují: 0 % nebo 10–20 %. Obecná sazba platí jen pro druh bez kategorie."))
    cofinancing_rate_prevention = models.DecimalField(
        _("spolufinancování obcí – služby sociální prevence (%)"), max_digits=5, decimal_places=2,
        default=Decimal(20), validators=COFINANCING_RATE, help_text=_("0 % nebo 10–20 %."))
    cofinancing_rate_counselling = models.DecimalField(
        _("spolufinancování obcí – sociální poradenství (%)"), max_digits=5, decimal_places=2, default=Decimal(10),
        validators=COFINANCING_RATE, help_text=_("0 % nebo 10–20 %."))
    cofinancing_rate_care = models.DecimalField(
        _("spolufinancování obcí – služby sociální péče (%)"), max_digits=5, decimal_places=2, default=Decimal(10),
        validators=COFINANCING_RATE, help_text=_("0 % nebo 10–20 %."))
    # The budget limits below serve only the "budget" condition of development requests (expected cost ≤ limit ×
    # units). They are not the optimised cost: co-financing is computed from the finance module's optimised cost.
    optimal_cost_a = models.DecimalField(
        _("limit rozpočtu záměru – skupina A (Kč na úvazek v přímé péči a rok)"), max_digits=12, decimal_places=0,
        default=Decimal(1_150_000), help_text=BUDGET_LIMIT_HELP)
    optimal_cost_b = models.DecimalField(
        _("limit rozpočtu záměru – skupina B (Kč na úvazek v přímé péči a rok)"), max_digits=12, decimal_places=0,
        default=Decimal(1_000_000), help_text=BUDGET_LIMIT_HELP)
    optimal_cost_c = models.DecimalField(
        _("limit rozpočtu záměru – skupina C (Kč na lůžko a rok)"), max_digits=12, decimal_places=0,
        default=Decimal(250_000), help_text=BUDGET_LIMIT_HELP)
    optimal_cost_d = models.DecimalField(
        _("limit rozpočtu záměru – skupina D (Kč na lůžko a rok)"), max_digits=12, decimal_places=0,
        default=Decimal(650_000), help_text=BUDGET_LIMIT_HELP)
    points_threshold = models.DecimalField(
        _("práh bodů hodnocení (přepíše metodiku)"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=PERCENT, help_text=_("Prázdné = práh druhu podle metodiky hodnocení."))
    note = models.TextField(_("poznámka"), blank=True, max_length=SHORT_TEXT, validators=short_text())
    edition = models.PositiveSmallIntegerField(
        _("vydání nastavení"), default=1, editable=False,
        help_text=_("1 = první nastavení roku; každá nová verze nastavení (po schválení sítě) má o 1 vyšší."))
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="superseded_by",
        verbose_name=_("nahrazuje nastavení"))
    history = HistoricalRecords()

    objects = EditionQuerySet.as_manager()

    SCOPE = {"region": "region", "district": None, "orp": None, "provider": None, "private": False,
             "edit_roles": REGION_ROLES}

    class Meta:
        verbose_name = _("nastavení sítě na rok")
        verbose_name_plural = _("nastavení sítě na roky")
        ordering = ["region", "-year", "-edition"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "edition"], name="network_parameters_unique_year",
                                    violation_error_message=_("Nastavení sítě na tento rok už existuje.")),
            *[models.CheckConstraint(condition=cofinancing_band_q(f), name=f"network_parameters_{f}_band",
                                     violation_error_message=BAND_MESSAGE)
              for f in ("cofinancing_rate", "cofinancing_rate_prevention", "cofinancing_rate_counselling",
                        "cofinancing_rate_care")],
        ]


class Tier(VersionedModel):
    """Úroveň sítě (např. základní síť, dočasná síť, zásobník) – konfigurovatelný seznam na rok."""

    parameters = models.ForeignKey(NetworkParameters, on_delete=models.CASCADE, related_name="tiers",
                                   verbose_name=_("nastavení sítě"))
    code = models.SlugField(_("kód"), max_length=20)
    name = models.CharField(_("název"), max_length=100)
    description = models.CharField(_("popis"), max_length=500, blank=True, validators=line_text())
    funded = models.BooleanField(_("financována"), default=True,
                                 help_text=_("Služby této úrovně se započítávají do financované sítě."))
    order = models.PositiveSmallIntegerField(_("pořadí"), default=0)
    history = HistoricalRecords()

    SCOPE = {"region": "parameters__region", "district": None, "orp": None, "provider": None, "private": False,
             "edit_roles": REGION_ROLES}

    class Meta:
        verbose_name = _("úroveň sítě")
        verbose_name_plural = _("úrovně sítě")
        ordering = ["parameters", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["parameters", "code"], name="network_tier_unique_code",
                                               violation_error_message=_("Úroveň s tímto kódem už existuje."))]

    def __str__(self):
        return self.name


class AppliesTo(models.TextChoices):
    ALL = APPLIES_ALL, _("všechny služby")
    EXISTING = APPLIES_EXISTING, _("stávající služby")
    DEVELOPMENT = APPLIES_DEVELOPMENT, _("nové a rozšiřované služby")


class ConditionRule(VersionedModel):
    """Podmínka vstupu do sítě: pojmenované, zapínatelné pravidlo s určením, na které služby se vztahuje."""

    parameters = models.ForeignKey(NetworkParameters, on_delete=models.CASCADE, related_name="rules",
                                   verbose_name=_("nastavení sítě"))
    code = models.CharField(_("kód pravidla"), max_length=20, editable=False)
    name = models.CharField(_("název"), max_length=120)
    enabled = models.BooleanField(_("uplatňuje se"), default=True)
    applies_to = models.CharField(_("týká se"), max_length=12, choices=AppliesTo.choices, default=AppliesTo.ALL)
    order = models.PositiveSmallIntegerField(_("pořadí"), default=0)
    history = HistoricalRecords()

    SCOPE = {"region": "parameters__region", "district": None, "orp": None, "provider": None, "private": False,
             "edit_roles": REGION_ROLES}

    class Meta:
        verbose_name = _("podmínka vstupu do sítě")
        verbose_name_plural = _("podmínky vstupu do sítě")
        ordering = ["parameters", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["parameters", "code"], name="network_rule_unique_code")]

    def __str__(self):
        return self.name


class KindParameter(VersionedModel):
    """Parametry podmínek pro druh služby (případně jen formu nebo úroveň sítě): sazba spolufinancování obcí,
    limit rozpočtu záměru, práh bodů. Řádek s úrovní sítě nese jen sazbu spolufinancování."""

    parameters = models.ForeignKey(NetworkParameters, on_delete=models.CASCADE, related_name="kind_parameters",
                                   verbose_name=_("nastavení sítě"))
    kind = models.ForeignKey("registry.ServiceKind", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("druh služby"))
    form = models.ForeignKey("registry.DeliveryForm", on_delete=models.PROTECT, related_name="+", null=True,
                             blank=True, verbose_name=_("forma"), help_text=_("Prázdné = všechny formy."))
    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="kind_parameters", null=True, blank=True,
                             verbose_name=_("úroveň sítě"),
                             help_text=_("Prázdné = všechny úrovně. Řádek pro jednu úroveň nese jen sazbu "
                                         "spolufinancování."))
    cofinancing_rate = models.DecimalField(
        _("spolufinancování obcí (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=COFINANCING_RATE,
        help_text=_("0 % (nevyžaduje se) nebo 10–20 % optimalizovaných nákladů; prázdné = sazba kategorie."))
    optimal_cost = models.DecimalField(
        _("limit rozpočtu záměru na jednotku a rok (Kč)"), max_digits=12, decimal_places=0, null=True, blank=True,
        validators=[MinValueValidator(ZERO)], help_text=BUDGET_LIMIT_HELP)
    points_threshold = models.DecimalField(_("práh bodů hodnocení"), max_digits=5, decimal_places=2, null=True,
                                           blank=True, validators=PERCENT)
    history = HistoricalRecords()

    SCOPE = {"region": "parameters__region", "district": None, "orp": None, "provider": None, "private": False,
             "edit_roles": REGION_ROLES}

    class Meta:
        verbose_name = _("parametr druhu služby")
        verbose_name_plural = _("parametry druhů služeb")
        ordering = ["parameters", "kind__order", "form__order", "tier__order"]
        constraints = [
            models.UniqueConstraint(fields=["parameters", "kind", "form", "tier"], name="network_kindparam_unique",
                                    violation_error_message=_("Parametr pro tento druh, formu a úroveň už je zadán.")),
            models.UniqueConstraint(fields=["parameters", "kind", "form"],
                                    condition=Q(tier__isnull=True) & Q(form__isnull=False),
                                    name="network_kindparam_unique_any_tier",
                                    violation_error_message=_("Parametr pro tento druh a formu už je zadán.")),
            models.UniqueConstraint(fields=["parameters", "kind", "tier"],
                                    condition=Q(form__isnull=True) & Q(tier__isnull=False),
                                    name="network_kindparam_unique_any_form_tier",
                                    violation_error_message=_("Parametr pro tento druh a úroveň už je zadán.")),
            models.UniqueConstraint(fields=["parameters", "kind"], condition=Q(form__isnull=True, tier__isnull=True),
                                    name="network_kindparam_unique_any_form",
                                    violation_error_message=_("Parametr pro tento druh už je zadán.")),
            models.CheckConstraint(condition=cofinancing_band_q("cofinancing_rate", nullable=True),
                                   name="network_kindparam_cofinancing_band", violation_error_message=BAND_MESSAGE),
            models.CheckConstraint(
                condition=Q(tier__isnull=True)
                | Q(cofinancing_rate__isnull=False, optimal_cost__isnull=True, points_threshold__isnull=True),
                name="network_kindparam_tier_rate_only",
                violation_error_message=_("Parametr pro jednu úroveň sítě nese jen sazbu spolufinancování.")),
        ]

    def __str__(self):
        out = f"{self.kind}"
        if self.form_id:
            out += f" ({self.form})"
        if self.tier_id:
            out += f" – {self.tier}"
        return out

    def clean(self):
        errors = {}
        if self.tier_id and self.parameters_id and self.tier.parameters_id != self.parameters_id:
            errors["tier"] = _("Úroveň sítě patří k nastavení jiného roku nebo kraje.")
        if self.tier_id:
            if self.cofinancing_rate is None:
                errors["cofinancing_rate"] = _("Pro jednu úroveň sítě zadejte sazbu spolufinancování.")
            if self.optimal_cost is not None:
                errors["optimal_cost"] = _("Limit rozpočtu se zadává pro druh (a formu), ne pro úroveň sítě.")
            if self.points_threshold is not None:
                errors["points_threshold"] = _("Práh bodů se zadává pro druh (a formu), ne pro úroveň sítě.")
        if errors:
            raise ValidationError(errors)


# --- network versions and entries ---------------------------------------------------------------------------

class Phase(models.TextChoices):
    DRAFT = "draft", _("návrh")
    NEGOTIATION = "negotiation", _("v projednávání")


class NetworkVersion(ImmutableWhenApproved, VersionedModel):
    """Verze sítě na rok: základní znění (dodatek 0) nebo číslovaný dodatek. Po schválení neměnná."""

    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="network_versions",
                               verbose_name=_("kraj"))
    year = models.PositiveSmallIntegerField(_("rok"), validators=YEAR)
    amendment = models.PositiveSmallIntegerField(_("číslo dodatku"), default=0,
                                                 help_text=_("0 = základní znění sítě na rok."))
    phase = models.CharField(_("fáze"), max_length=12, choices=Phase.choices, default=Phase.DRAFT)
    title = models.CharField(_("název"), max_length=255, blank=True)
    reason = models.TextField(_("důvod změny"), blank=True, max_length=SHORT_TEXT, validators=short_text())
    decision_ref = models.CharField(_("usnesení / rozhodnutí"), max_length=200, blank=True)
    approval_reason = models.TextField(
        _("odůvodnění schválení"), blank=True, editable=False,
        help_text=_("Proč byla verze schválena, ačkoli některé položky nesplňují podmínky vstupu."),
            max_length=SHORT_TEXT, validators=short_text())
    approval_exceptions = models.JSONField(
        _("položky nesplňující podmínky při schválení"), default=list, blank=True, editable=False,
        help_text=_("Položky, jejichž nesplněné podmínky schvalovatel výslovně potvrdil."))
    parameters = models.ForeignKey(
        NetworkParameters, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="networks",
        verbose_name=_("nastavení sítě"),
        help_text=_("Nastavení (úrovně, podmínky, sazby), se kterým se verze posuzuje; schválená verze si je "
                    "ponechává i po vzniku nové verze nastavení."))
    created_at = models.DateTimeField(_("vytvořeno"), auto_now_add=True)
    history = HistoricalRecords()

    SCOPE = {"region": "region", "district": None, "orp": None, "provider": None, "private": False,
             "edit_roles": REGION_ROLES}

    class Meta:
        verbose_name = _("verze sítě")
        verbose_name_plural = _("verze sítě")
        ordering = ["region", "-year", "-amendment"]
        constraints = [models.UniqueConstraint(fields=["region", "year", "amendment"],
                                               name="network_version_unique_amendment",
                                               violation_error_message=_("Tato verze sítě už existuje."))]

    def __str__(self):
        return self.label

    @classmethod
    def public_q(cls):
        return Q(publication__isnull=False)

    @property
    def label(self) -> str:
        base = _("Síť %(year)s") % {"year": self.year}
        if self.amendment:
            return f"{base}, " + str(_("dodatek č. %(n)s") % {"n": self.amendment})
        return f"{base}, " + str(_("základní znění"))

    @property
    def is_published(self) -> bool:
        return hasattr(self, "publication") and self.publication is not None

    @property
    def status(self) -> str:
        if self.is_approved:
            return "published" if _has_publication(self) else "approved"
        return self.phase

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def _has_publication(version) -> bool:
    try:
        return version.publication is not None
    except NetworkPublication.DoesNotExist:
        return False


STATUS_LABELS = {"draft": _("návrh"), "negotiation": _("v projednávání"), "approved": _("schváleno"),
                 "published": _("zveřejněno")}


class NetworkPublication(models.Model):
    """Zveřejnění schválené verze sítě (schválený záznam sám zůstává beze změny)."""

    network = models.OneToOneField(NetworkVersion, on_delete=models.PROTECT, related_name="publication",
                                   verbose_name=_("verze sítě"))
    published_at = models.DateTimeField(_("zveřejněno"), auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("zveřejnil"))
    note = models.CharField(_("poznámka"), max_length=300, blank=True)
    history = HistoricalRecords()

    SCOPE = {"region": "network__region", "district": None, "orp": None, "provider": None, "private": False,
             "edit_roles": REGION_ROLES}

    class Meta:
        verbose_name = _("zveřejnění sítě")
        verbose_name_plural = _("zveřejnění sítě")

    def __str__(self):
        return f"{self.network} ({self.published_at:%d. %m. %Y})"


class EntryStatus(models.TextChoices):
    EXISTING = "existing", _("stávající")
    NEW = "new", _("nová")
    EXPANDED = "expanded", _("rozšířená")


class NetworkEntry(VersionedModel):
    """Položka sítě: služba (nebo její část – forma, ORP) s kapacitou, úvazky, úrovní a územím pověření."""

    network = models.ForeignKey(NetworkVersion, on_delete=models.CASCADE, related_name="entries",
                                verbose_name=_("verze sítě"))
    service = models.ForeignKey("registry.Service", on_delete=models.PROTECT, related_name="network_entries",
                                verbose_name=_("služba"))
    form = models.ForeignKey("registry.DeliveryForm", on_delete=models.PROTECT, related_name="+", null=True,
                             blank=True, verbose_name=_("forma (část služby)"),
                             help_text=_("Prázdné = služba ve všech formách."))
    orp = models.ForeignKey("territory.Orp", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
                            verbose_name=_("ORP (část služby)"), help_text=_("Prázdné = služba na celém území."))
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="entries", verbose_name=_("úroveň sítě"))
    status = models.CharField(_("stav"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.EXISTING)
    capacity = models.PositiveIntegerField(_("kapacita v síti"), default=0)
    capacity_type = models.ForeignKey("registry.CapacityType", on_delete=models.PROTECT, related_name="+",
                                      null=True, blank=True, verbose_name=_("jednotka kapacity"))
    fte = models.DecimalField(_("úvazky v přímé péči v síti"), max_digits=8, decimal_places=2, default=ZERO,
                              validators=[MinValueValidator(ZERO)])
    orps = models.ManyToManyField("territory.Orp", related_name="network_entries", blank=True,
                                  verbose_name=_("pověření pro ORP"))
    municipalities = models.ManyToManyField("territory.Municipality", related_name="network_entries", blank=True,
                                            verbose_name=_("pověření pro obce"))
    entrusted_from = models.DateField(_("pověření od"), null=True, blank=True)
    entrusted_to = models.DateField(_("pověření do"), null=True, blank=True)
    request = models.ForeignKey("DevelopmentRequest", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="entries", verbose_name=_("rozvojový záměr"))
    note = models.CharField(_("poznámka"), max_length=500, blank=True, validators=line_text())
    history = HistoricalRecords()

    SCOPE = {"region": "network__region", "district": "orps__district", "orp": "orps",
             "provider": "service__provider", "private": False, "edit_roles": REGION_ROLES}

    class Meta:
        verbose_name = _("položka sítě")
        verbose_name_plural = _("položky sítě")
        ordering = ["network", "service__name", "pk"]
        indexes = [models.Index(fields=["network", "service"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(entrusted_to__isnull=True) | Q(entrusted_from__isnull=True)
                | Q(entrusted_to__gte=models.F("entrusted_from")),
                name="network_entry_entrusted_ordered",
                violation_error_message=_("Konec pověření nesmí předcházet jeho začátku.")),
            models.CheckConstraint(condition=Q(fte__gte=0), name="network_entry_fte_non_negative",
                                   violation_error_message=_("Počet úvazků nesmí být záporný.")),
        ]

    def __str__(self):
        parts = [str(self.service)]
        if self.form_id:
            parts.append(str(self.form))
        if self.orp_id:
            parts.append(f"ORP {self.orp}")
        return " – ".join(parts)

    @classmethod
    def public_q(cls):
        return Q(network__publication__isnull=False)

    @property
    def key(self) -> tuple:
        return (self.service_id, self.form_id, self.orp_id)

    def network_is_approved(self) -> bool:
        if not self.network_id:
            return False
        return NetworkVersion.objects.filter(pk=self.network_id, approved_at__isnull=False).exists()

    def _stored_network_approved(self) -> bool:
        if self.pk is None:
            return self.network_is_approved()
        stored = type(self)._default_manager.filter(pk=self.pk).values_list("network_id", flat=True).first()
        ids = {i for i in (stored, self.network_id) if i}
        return NetworkVersion.objects.filter(pk__in=ids, approved_at__isnull=False).exists()

    def save(self, *args, **kwargs):
        if self._stored_network_approved():
            raise ApprovedRecordImmutable(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_network_approved():
            raise ApprovedRecordImmutable(self)
        return super().delete(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.network_id and self.service_id:
            twins = NetworkEntry.objects.filter(network_id=self.network_id, service_id=self.service_id,
                                                form_id=self.form_id, orp_id=self.orp_id).exclude(pk=self.pk)
            if twins.exists():
                errors["service"] = _("Tato služba (část služby) už v této verzi sítě je.")
        if self.network_id and self.tier_id:
            tier_year = Tier.objects.filter(pk=self.tier_id).values_list(
                "parameters__region_id", "parameters__year", "parameters_id").first()
            if tier_year and tier_year[:2] != (self.network.region_id, self.network.year):
                errors["tier"] = _("Úroveň sítě patří k jinému kraji nebo roku.")
            elif tier_year and self.network.parameters_id and tier_year[2] != self.network.parameters_id:
                errors["tier"] = _("Úroveň sítě patří k jinému vydání nastavení sítě, než se kterým verze pracuje.")
        if self.form_id and self.service_id and not self.service.forms.filter(form_id=self.form_id).exists():
            errors["form"] = _("Služba se v této formě neposkytuje.")
        if errors:
            raise ValidationError(errors)


@receiver(m2m_changed, sender=NetworkEntry.orps.through, dispatch_uid="network_entry_orps_immutable")
@receiver(m2m_changed, sender=NetworkEntry.municipalities.through, dispatch_uid="network_entry_munis_immutable")
def _entry_territory_immutable(sender, instance, action, reverse, **kwargs):
    """The territory of an entry of an approved version cannot change either."""
    if not action.startswith("pre_"):
        return
    if not reverse:
        if isinstance(instance, NetworkEntry) and instance.network_is_approved():
            raise ApprovedRecordImmutable(instance)
        return
    pk_set = kwargs.get("pk_set") or set()
    if NetworkEntry.objects.filter(pk__in=pk_set, network__approved_at__isnull=False).exists():
        raise ApprovedRecordImmutable()


# --- development requests -----------------------------------------------------------------------------------

class RequestKind(models.TextChoices):
    NEW = "new", _("nová služba")
    CAPACITY = "capacity", _("navýšení kapacity")
    FTE = "fte", _("navýšení úvazků")


class RequestType(models.TextChoices):
    A = "A", _("A – reaguje na výzvu kraje nebo akční plán")
    B = "B", _("B – reaguje na potřebu zjištěnou v území")
    C = "C", _("C – opětovný vstup služby beze změny")


class RequestState(models.TextChoices):
    SUBMITTED = "submitted", _("podáno – čeká na stanovisko ORP")
    ORP_OPINION = "orp_opinion", _("se stanoviskem ORP – čeká na projednání v okrese")
    DISTRICT_REVIEW = "district_review", _("projednáno v okrese – čeká na hodnocení")
    EVALUATED = "evaluated", _("vyhodnoceno – čeká na rozhodnutí kraje")
    ADMITTED = "admitted", _("zařazeno do sítě")
    REFUSED = "refused", _("zamítnuto")
    RETURNED = "returned", _("vráceno k doplnění")


OPEN_STATES = (RequestState.SUBMITTED, RequestState.ORP_OPINION, RequestState.DISTRICT_REVIEW,
               RequestState.EVALUATED, RequestState.RETURNED)
DECIDED_STATES = (RequestState.ADMITTED, RequestState.REFUSED)
REQUEST_EDIT_ROLES = ("region_admin", "region_officer", "orp_coordinator", "provider_user")


class DevelopmentRequest(VersionedModel):
    """Rozvojový záměr: nová služba nebo navýšení kapacity či úvazků, s odůvodněním a vazbou na komunitní plán."""

    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="development_requests",
                               verbose_name=_("kraj"), editable=False)
    year = models.PositiveSmallIntegerField(_("rok sítě"), validators=YEAR)
    orp = models.ForeignKey("territory.Orp", on_delete=models.PROTECT, related_name="development_requests",
                            verbose_name=_("ORP"), help_text=_("ORP, v jejímž území záměr řeší potřebu."))
    request_kind = models.CharField(_("druh záměru"), max_length=10, choices=RequestKind.choices)
    request_type = models.CharField(_("typ záměru"), max_length=1, choices=RequestType.choices)
    title = models.CharField(_("název záměru"), max_length=255)
    provider = models.ForeignKey("registry.Provider", on_delete=models.PROTECT, related_name="development_requests",
                                 null=True, blank=True, verbose_name=_("poskytovatel"))
    service = models.ForeignKey("registry.Service", on_delete=models.PROTECT, related_name="development_requests",
                                null=True, blank=True, verbose_name=_("stávající služba"),
                                help_text=_("U navýšení a opětovného vstupu; u nové služby prázdné."))
    kind = models.ForeignKey("registry.ServiceKind", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("druh služby"))
    form = models.ForeignKey("registry.DeliveryForm", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("forma"))
    capacity = models.PositiveIntegerField(_("kapacita (nová nebo navýšení)"), default=0)
    capacity_type = models.ForeignKey("registry.CapacityType", on_delete=models.PROTECT, related_name="+",
                                      null=True, blank=True, verbose_name=_("jednotka kapacity"))
    fte = models.DecimalField(_("úvazky v přímé péči (nové nebo navýšení)"), max_digits=8, decimal_places=2,
                              default=ZERO, validators=[MinValueValidator(ZERO)])
    justification = models.TextField(_("odůvodnění"), max_length=SHORT_TEXT, validators=short_text())
    measure = models.ForeignKey("planning.Measure", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="development_requests", verbose_name=_("opatření komunitního plánu"))
    expected_cost = models.DecimalField(_("předpokládané roční náklady (Kč)"), max_digits=15, decimal_places=0,
                                        validators=[MinValueValidator(ZERO)])
    action_plan = models.ForeignKey("planning.ActionPlan", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="development_requests", verbose_name=_("akční plán"),
                                    help_text=_("Akční plán, do něhož kraj záměr zařadil."))
    state = models.CharField(_("stav"), max_length=16, choices=RequestState.choices, default=RequestState.SUBMITTED,
                             editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("podal"), editable=False)
    submitted_at = models.DateTimeField(_("podáno"), null=True, blank=True, editable=False)
    # ORP opinion
    need_declared = models.BooleanField(_("ORP deklaruje potřebnost"), null=True, blank=True, editable=False)
    opinion = models.TextField(_("stanovisko ORP"), blank=True, editable=False,
                               max_length=SHORT_TEXT, validators=short_text())
    # district review
    district_recommends = models.BooleanField(_("okresní tým doporučuje"), null=True, blank=True, editable=False)
    district_tier = models.ForeignKey(Tier, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                      verbose_name=_("navržená úroveň sítě"), editable=False)
    district_note = models.TextField(_("vyjádření okresního týmu"), blank=True, editable=False,
                                     max_length=SHORT_TEXT, validators=short_text())
    # evaluation
    evaluation = models.JSONField(_("výsledek ověření podmínek"), default=list, blank=True, editable=False)
    eligible = models.BooleanField(_("splňuje podmínky"), null=True, blank=True, editable=False)
    evaluation_note = models.TextField(_("hodnocení kraje"), blank=True, editable=False,
                                       max_length=SHORT_TEXT, validators=short_text())
    # decision
    decision_tier = models.ForeignKey(Tier, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                      verbose_name=_("zařazeno do úrovně"), editable=False)
    decision_reason = models.TextField(_("odůvodnění rozhodnutí"), blank=True, editable=False,
                                       max_length=SHORT_TEXT, validators=short_text())
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("rozhodl"), editable=False)
    decided_at = models.DateTimeField(_("rozhodnuto"), null=True, blank=True, editable=False)
    return_reason = models.TextField(_("důvod vrácení"), blank=True, editable=False,
                                     max_length=SHORT_TEXT, validators=short_text())
    created_at = models.DateTimeField(_("vytvořeno"), auto_now_add=True)
    history = HistoricalRecords()

    SCOPE = {"region": "region", "district": "orp__district", "orp": "orp", "provider": "provider",
             "private": False, "edit_roles": REQUEST_EDIT_ROLES}

    class Meta:
        verbose_name = _("rozvojový záměr")
        verbose_name_plural = _("rozvojové záměry")
        ordering = ["-year", "orp__name", "title", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(fte__gte=0), name="network_request_fte_non_negative"),
            models.CheckConstraint(condition=Q(expected_cost__gte=0), name="network_request_cost_non_negative"),
        ]

    def __str__(self):
        return self.title

    @classmethod
    def public_q(cls):
        return Q(state__in=DECIDED_STATES)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def editable_by_submitter(self) -> bool:
        return self.state in (RequestState.SUBMITTED, RequestState.RETURNED)

    def save(self, *args, **kwargs):
        if self.orp_id and not self.region_id:
            self.region_id = self.orp.region_id
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.orp_id:
            self.region_id = self.orp.region_id
        if self.request_kind in (RequestKind.CAPACITY, RequestKind.FTE) and not self.service_id:
            errors["service"] = _("Navýšení se týká stávající služby: vyberte ji.")
        if self.request_type == RequestType.C and not self.service_id:
            errors["service"] = _("Opětovný vstup se týká stávající služby: vyberte ji.")
        if self.service_id:
            if self.kind_id and self.service.kind_id != self.kind_id:
                errors["kind"] = _("Druh záměru musí odpovídat druhu vybrané služby.")
            if self.provider_id and self.service.provider_id != self.provider_id:
                errors["provider"] = _("Služba patří jinému poskytovateli.")
        if self.request_kind == RequestKind.CAPACITY and not self.capacity:
            errors["capacity"] = _("Uveďte, o kolik se kapacita navyšuje.")
        if self.request_kind == RequestKind.FTE and not self.fte:
            errors["fte"] = _("Uveďte, o kolik úvazků se služba navyšuje.")
        if self.kind_id and self.form_id and not self.kind.allowed_forms.filter(pk=self.form_id).exists() \
                and self.kind.allowed_forms.exists():
            errors["form"] = _("Tento druh služby se v této formě neposkytuje.")
        if errors:
            raise ValidationError(errors)


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("podání")
    UPDATED = "updated", _("úprava")
    OPINION = "opinion", _("stanovisko ORP")
    REVIEW = "review", _("projednání v okrese")
    EVALUATION = "evaluation", _("hodnocení")
    DECISION = "decision", _("rozhodnutí kraje")
    RETURNED = "returned", _("vrácení k doplnění")
    RESUBMITTED = "resubmitted", _("opětovné podání")
    COMMENT = "comment", _("komentář")


class RequestEvent(models.Model):
    """Krok nebo komentář v projednávání rozvojového záměru."""

    request = models.ForeignKey(DevelopmentRequest, on_delete=models.CASCADE, related_name="events",
                                verbose_name=_("rozvojový záměr"))
    kind = models.CharField(_("krok"), max_length=12, choices=EventKind.choices)
    state_before = models.CharField(_("stav před"), max_length=16, choices=RequestState.choices, blank=True)
    state_after = models.CharField(_("stav po"), max_length=16, choices=RequestState.choices, blank=True)
    text = models.TextField(_("text"), blank=True, max_length=SHORT_TEXT, validators=short_text())
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("autor"))
    created_at = models.DateTimeField(_("kdy"), auto_now_add=True)
    history = HistoricalRecords()

    SCOPE = {"region": "request__region", "district": "request__orp__district", "orp": "request__orp",
             "provider": "request__provider", "private": False,
             "edit_roles": REQUEST_EDIT_ROLES + ("district_team",)}

    class Meta:
        verbose_name = _("krok projednání záměru")
        verbose_name_plural = _("kroky projednání záměrů")
        ordering = ["request", "created_at", "pk"]

    def __str__(self):
        return f"{self.request}: {self.get_kind_display()}"

    @classmethod
    def public_q(cls):
        return Q(request__state__in=DECIDED_STATES, kind=EventKind.DECISION)


# --- co-financing -------------------------------------------------------------------------------------------

class CofinancingDeclaration(VersionedModel):
    """Deklarace spolufinancování: obec se zavazuje přispět na službu (nebo záměr) v roce částkou."""

    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="cofinancing_declarations",
                               verbose_name=_("kraj"), editable=False)
    year = models.PositiveSmallIntegerField(_("rok"), validators=YEAR)
    municipality = models.ForeignKey("territory.Municipality", on_delete=models.PROTECT,
                                     related_name="cofinancing_declarations", verbose_name=_("obec"))
    service = models.ForeignKey("registry.Service", on_delete=models.PROTECT, related_name="cofinancing_declarations",
                                null=True, blank=True, verbose_name=_("služba"))
    request = models.ForeignKey(DevelopmentRequest, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="declarations", verbose_name=_("rozvojový záměr"))
    amount = models.DecimalField(_("deklarovaná částka (Kč)"), max_digits=15, decimal_places=0,
                                 validators=[MinValueValidator(ZERO)])
    declared_on = models.DateField(_("deklarováno dne"))
    reference = models.CharField(_("usnesení / smlouva"), max_length=200, blank=True)
    note = models.CharField(_("poznámka"), max_length=500, blank=True, validators=line_text())
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("zadal"), editable=False)
    history = HistoricalRecords()

    SCOPE = {"region": "region", "district": "municipality__district", "orp": "municipality__orp",
             "provider": "service__provider", "private": False,
             "edit_roles": ("region_admin", "region_officer", "orp_coordinator")}

    class Meta:
        verbose_name = _("deklarace spolufinancování")
        verbose_name_plural = _("deklarace spolufinancování")
        ordering = ["-year", "municipality__name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(service__isnull=False) | Q(request__isnull=False),
                                   name="network_declaration_has_target",
                                   violation_error_message=_("Deklarace se týká služby nebo rozvojového záměru.")),
            models.CheckConstraint(condition=Q(amount__gte=0), name="network_declaration_non_negative",
                                   violation_error_message=_("Částka nesmí být záporná.")),
        ]

    def __str__(self):
        return f"{self.municipality} → {self.service or self.request} ({self.year})"

    def save(self, *args, **kwargs):
        if self.municipality_id and not self.region_id:
            self.region_id = self.municipality.region_id
        super().save(*args, **kwargs)

    def clean(self):
        if self.municipality_id:
            self.region_id = self.municipality.region_id
        errors = {}
        if not self.service_id and not self.request_id:
            errors["service"] = _("Vyberte službu nebo rozvojový záměr.")
        if self.request_id and self.request.year != self.year:
            errors["year"] = _("Rok deklarace musí odpovídat roku záměru.")
        if self.service_id and self.service.region_id and self.region_id and self.service.region_id != self.region_id:
            errors["service"] = _("Služba patří do sítě jiného kraje.")
        if errors:
            raise ValidationError(errors)


# --- district negotiation -----------------------------------------------------------------------------------

DISTRICT_EDIT_ROLES = ("region_admin", "region_officer", "district_team")


class DistrictComment(models.Model):
    """Komentář okresního týmu k návrhu sítě v okrese."""

    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("kraj"), editable=False)
    year = models.PositiveSmallIntegerField(_("rok sítě"), validators=YEAR)
    district = models.ForeignKey("territory.District", on_delete=models.PROTECT, related_name="network_comments",
                                 verbose_name=_("okres"))
    text = models.TextField(_("komentář"), max_length=SHORT_TEXT, validators=short_text())
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("autor"))
    created_at = models.DateTimeField(_("kdy"), auto_now_add=True)
    history = HistoricalRecords()

    SCOPE = {"region": "region", "district": "district", "orp": None, "provider": None, "private": False,
             "edit_roles": DISTRICT_EDIT_ROLES}

    class Meta:
        verbose_name = _("komentář okresního týmu")
        verbose_name_plural = _("komentáře okresních týmů")
        ordering = ["district", "-created_at", "pk"]

    def __str__(self):
        return f"{self.district} {self.year}: {self.text[:60]}"

    def save(self, *args, **kwargs):
        if self.district_id and not self.region_id:
            self.region_id = self.district.region_id
        super().save(*args, **kwargs)

    @classmethod
    def public_q(cls):
        return NO_ROWS


class ProposalState(models.TextChoices):
    SUBMITTED = "submitted", _("předložen kraji")
    ACCEPTED = "accepted", _("přijat krajem")
    PARTLY = "partly", _("přijat částečně")
    REJECTED = "rejected", _("nepřijat")


class DistrictProposal(VersionedModel):
    """Návrh okresního týmu na podobu sítě v okrese; kraj o něm rozhodne."""

    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("kraj"), editable=False)
    year = models.PositiveSmallIntegerField(_("rok sítě"), validators=YEAR)
    district = models.ForeignKey("territory.District", on_delete=models.PROTECT, related_name="network_proposals",
                                 verbose_name=_("okres"))
    title = models.CharField(_("název"), max_length=255)
    text = models.TextField(_("návrh"), max_length=SHORT_TEXT, validators=short_text())
    state = models.CharField(_("stav"), max_length=10, choices=ProposalState.choices,
                             default=ProposalState.SUBMITTED, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("předložil"), editable=False)
    created_at = models.DateTimeField(_("předloženo"), auto_now_add=True)
    decision_note = models.TextField(_("rozhodnutí kraje"), blank=True, editable=False,
                                     max_length=SHORT_TEXT, validators=short_text())
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("rozhodl"), editable=False)
    decided_at = models.DateTimeField(_("rozhodnuto"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    SCOPE = {"region": "region", "district": "district", "orp": None, "provider": None, "private": False,
             "edit_roles": DISTRICT_EDIT_ROLES}

    class Meta:
        verbose_name = _("návrh okresního týmu")
        verbose_name_plural = _("návrhy okresních týmů")
        ordering = ["district", "-year", "-created_at"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.district_id and not self.region_id:
            self.region_id = self.district.region_id
        super().save(*args, **kwargs)

    @classmethod
    def public_q(cls):
        return NO_ROWS


# --- other network layers (MPSV supra-regional network, a city's own network) ------------------------------

class LayerKind(models.TextChoices):
    MPSV = "mpsv", _("síť MPSV (služby s celostátní nebo nadregionální působností)")
    CITY = "city", _("síť obce / města")


class NetworkLayer(VersionedModel):
    """Another network a service of the kraj may belong to beside the kraj's own (which is :class:`NetworkVersion`):
    MPSV's network of services with national or supra-regional reach (from 2026, Act 164/2024 Sb.) or a
    municipality's own network (Brno runs one over the kraj's). Recorded in the kraj where its services are."""

    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="network_layers",
                               verbose_name=_("kraj"))
    kind = models.CharField(_("druh sítě"), max_length=8, choices=LayerKind.choices)
    owner_municipality = models.ForeignKey("territory.Municipality", on_delete=models.PROTECT, null=True,
                                           blank=True, related_name="network_layers",
                                           verbose_name=_("obec (vlastník sítě)"))
    name = models.CharField(_("název sítě"), max_length=200, validators=line_text())
    note = models.CharField(_("poznámka"), max_length=500, blank=True, validators=line_text())
    synthetic = models.BooleanField(_("syntetická data"), default=False,
                                    help_text=_("Ukázková, smyšlená data (ne skutečná síť)."))
    history = HistoricalRecords()

    SCOPE = {"region": "region", "district": None, "orp": None, "provider": None, "private": False,
             "edit_roles": REGION_ROLES}

    class Meta:
        verbose_name = _("další síť služeb")
        verbose_name_plural = _("další sítě služeb")
        ordering = ["region", "kind", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="city", owner_municipality__isnull=False)
                           | Q(kind="mpsv", owner_municipality__isnull=True)),
                name="network_layer_owner_matches_kind",
                violation_error_message=_("Síť obce má vlastníka obec; síť MPSV obec jako vlastníka nemá.")),
            models.UniqueConstraint(fields=["region", "name"], name="network_layer_unique_name",
                                    violation_error_message=_("Síť tohoto názvu už v kraji je.")),
        ]

    def __str__(self):
        return self.name

    @property
    def owner_label(self) -> str:
        if self.kind == LayerKind.CITY and self.owner_municipality_id:
            return str(self.owner_municipality)
        return "MPSV"

    def clean(self):
        errors = {}
        if self.kind == LayerKind.CITY and not self.owner_municipality_id:
            errors["owner_municipality"] = _("Síť obce musí mít vlastníka – obec.")
        if self.kind == LayerKind.MPSV and self.owner_municipality_id:
            errors["owner_municipality"] = _("Síť MPSV nemá jako vlastníka obec.")
        if (self.owner_municipality_id and self.region_id
                and self.owner_municipality.region_id != self.region_id):
            errors["owner_municipality"] = _("Obec leží v jiném kraji.")
        if errors:
            raise ValidationError(errors)


class LayerMembership(VersionedModel):
    """A service's place in another layer for a year: the layer's own tier and capacity, and who pays how much
    (``funder``, ``amount``; no amount when the layer does not fund the service)."""

    layer = models.ForeignKey(NetworkLayer, on_delete=models.PROTECT, related_name="memberships",
                              verbose_name=_("síť"))
    service = models.ForeignKey("registry.Service", on_delete=models.PROTECT, related_name="layer_memberships",
                                verbose_name=_("služba"))
    year = models.PositiveSmallIntegerField(_("rok"), validators=YEAR)
    tier = models.CharField(_("úroveň v síti"), max_length=100, validators=line_text())
    capacity = models.PositiveIntegerField(_("kapacita v síti"), default=0)
    capacity_type = models.ForeignKey("registry.CapacityType", on_delete=models.PROTECT, related_name="+",
                                      null=True, blank=True, verbose_name=_("typ kapacity"))
    funder = models.CharField(_("kdo financuje"), max_length=200, blank=True, validators=line_text())
    amount = models.DecimalField(_("částka (Kč)"), max_digits=15, decimal_places=0, null=True, blank=True,
                                 validators=[MinValueValidator(ZERO)])
    note = models.CharField(_("poznámka"), max_length=500, blank=True, validators=line_text())
    history = HistoricalRecords()

    SCOPE = {"region": "layer__region", "district": None, "orp": None, "provider": "service__provider",
             "private": False, "edit_roles": REGION_ROLES}

    class Meta:
        verbose_name = _("členství služby v další síti")
        verbose_name_plural = _("členství služeb v dalších sítích")
        ordering = ["year", "layer__name", "service__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["layer", "service", "year"], name="network_membership_unique",
                                    violation_error_message=_("Služba už v této síti v tomto roce je.")),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0),
                                   name="network_membership_amount_non_negative",
                                   violation_error_message=_("Částka nesmí být záporná.")),
            models.CheckConstraint(condition=Q(amount__isnull=True) | ~Q(funder=""),
                                   name="network_membership_amount_has_funder",
                                   violation_error_message=_("U částky uveďte, kdo ji platí.")),
        ]

    def __str__(self):
        return f"{self.service} – {self.layer} ({self.year})"

    def clean(self):
        errors = {}
        if self.amount is not None and not self.funder.strip():
            errors["funder"] = _("U částky uveďte, kdo ji platí.")
        if (self.service_id and self.layer_id and self.service.region_id
                and self.service.region_id != self.layer.region_id):
            errors["service"] = _("Služba patří do jiného kraje než síť.")
        if errors:
            raise ValidationError(errors)
