"""Availability: the region's parameters for coverage and need, imported travel-time matrices and saved scenarios.

* `CoverageTarget` — the region's target value for a kind in a year: units (beds, clients, …) per 1,000 of
  the relevant population band (e.g. 25 beds in homes for seniors per 1,000 people aged 80+).
* `UtilisationRate` — share of a population band that uses a kind (need = population × rate), per year, with
  its source or marked as an assumption.
* `PopulationProjection` — factor by which a band's population is multiplied for a future year
  (the "population in 2030" scenario), with its source or marked as an assumption.
* `TravelTimeMatrix` — an optional origin obec × destination obec matrix in minutes imported from CSV.
* `Scenario` — a what-if (add N units in obec X, close a service, population of a future year) with the
  results snapshot, shareable with a district team.

Calculations live in `socplan.availability.engine`; `adapter.py` turns the registry and territory into its arrays.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from socplan.core.models import VersionedModel
from socplan.territory.models import AgeBand

YEAR = [MinValueValidator(2000), MaxValueValidator(2100)]
REGION_EDIT_ROLES = ("region_admin", "region_officer")


class CoverageTarget(VersionedModel):
    """Cílová hodnota kraje pro druh služby v roce: jednotek na 1 000 obyvatel dané věkové skupiny."""

    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="coverage_targets",
                               verbose_name=_("kraj"))
    year = models.PositiveSmallIntegerField(_("rok"), validators=YEAR)
    kind = models.ForeignKey("registry.ServiceKind", on_delete=models.PROTECT, related_name="coverage_targets",
                             verbose_name=_("druh služby"))
    band = models.CharField(_("věková skupina obyvatel"), max_length=8, choices=AgeBand.choices,
                            default=AgeBand.TOTAL,
                            help_text=_("Skupina, na jejíž 1 000 osob se cílová hodnota vztahuje (např. 65+)."))
    capacity_type = models.ForeignKey("registry.CapacityType", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("jednotka kapacity"),
                                      help_text=_("Lůžka, klienti, … — v této jednotce se počítá kapacita druhu."))
    per_1000 = models.DecimalField(_("cílová hodnota na 1 000 obyvatel"), max_digits=9, decimal_places=3,
                                   validators=[MinValueValidator(0)])
    source = models.CharField(_("zdroj"), max_length=300, blank=True)
    is_assumption = models.BooleanField(_("předpoklad (ne doložený zdroj)"), default=True)
    note = models.CharField(_("poznámka"), max_length=500, blank=True)
    history = HistoricalRecords()

    SCOPE = {"region": "region", "district": None, "orp": None, "provider": None, "private": False,
             "edit_roles": REGION_EDIT_ROLES}

    class Meta:
        verbose_name = _("cílová hodnota pokrytí")
        verbose_name_plural = _("cílové hodnoty pokrytí")
        ordering = ["region", "-year", "kind__order"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "kind"], name="availability_target_unique",
                                    violation_error_message=_("Cílová hodnota pro tento kraj, rok a druh už existuje.")),
        ]

    def __str__(self):
        return f"{self.kind} {self.year}: {self.per_1000} / 1 000 ({self.get_band_display()})"


class UtilisationRate(VersionedModel):
    """Míra využití druhu služby: podíl věkové skupiny, který službu potřebuje (potřeba = obyvatelé × míra)."""

    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="utilisation_rates",
                               verbose_name=_("kraj"))
    year = models.PositiveSmallIntegerField(_("rok"), validators=YEAR)
    kind = models.ForeignKey("registry.ServiceKind", on_delete=models.PROTECT, related_name="utilisation_rates",
                             verbose_name=_("druh služby"))
    band = models.CharField(_("věková skupina obyvatel"), max_length=8, choices=AgeBand.choices,
                            default=AgeBand.TOTAL)
    rate_percent = models.DecimalField(_("míra využití (%)"), max_digits=7, decimal_places=4,
                                       validators=[MinValueValidator(0), MaxValueValidator(100)])
    source = models.CharField(_("zdroj"), max_length=300, blank=True)
    is_assumption = models.BooleanField(_("předpoklad (ne doložený zdroj)"), default=True)
    history = HistoricalRecords()

    SCOPE = {"region": "region", "district": None, "orp": None, "provider": None, "private": False,
             "edit_roles": REGION_EDIT_ROLES}

    class Meta:
        verbose_name = _("míra využití")
        verbose_name_plural = _("míry využití")
        ordering = ["region", "-year", "kind__order"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "kind"], name="availability_rate_unique",
                                    violation_error_message=_("Míra využití pro tento kraj, rok a druh už existuje.")),
        ]

    def __str__(self):
        return f"{self.kind} {self.year}: {self.rate_percent} % ({self.get_band_display()})"


class PopulationProjection(VersionedModel):
    """Projekce obyvatel: násobek počtu obyvatel věkové skupiny pro budoucí rok (vůči nejnovějším údajům)."""

    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="population_projections",
                               verbose_name=_("kraj"))
    year = models.PositiveSmallIntegerField(_("rok projekce"), validators=YEAR)
    band = models.CharField(_("věková skupina obyvatel"), max_length=8, choices=AgeBand.choices)
    factor = models.DecimalField(_("násobek proti současnosti"), max_digits=6, decimal_places=4,
                                 validators=[MinValueValidator(0)])
    source = models.CharField(_("zdroj"), max_length=300, blank=True)
    is_assumption = models.BooleanField(_("předpoklad (ne doložený zdroj)"), default=True)
    history = HistoricalRecords()

    SCOPE = {"region": "region", "district": None, "orp": None, "provider": None, "private": False,
             "edit_roles": REGION_EDIT_ROLES}

    class Meta:
        verbose_name = _("projekce obyvatel")
        verbose_name_plural = _("projekce obyvatel")
        ordering = ["region", "year", "band"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "band"], name="availability_projection_unique",
                                    violation_error_message=_("Projekce pro tento kraj, rok a skupinu už existuje.")),
        ]

    def __str__(self):
        return f"{self.region} {self.year} {self.get_band_display()}: × {self.factor}"


class TravelTimeMatrix(models.Model):
    """Matice dojezdových časů mezi obcemi (minuty), načtená z CSV `origin,destination,minutes`."""

    name = models.CharField(_("název"), max_length=200)
    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="travel_time_matrices",
                               verbose_name=_("kraj"), null=True, blank=True,
                               help_text=_("Prázdné = matice pro celou ČR."))
    data = models.BinaryField(_("data (CSV komprimované gzip)"), editable=False)
    sha256 = models.CharField(_("otisk CSV (SHA-256)"), max_length=64, editable=False)
    n_pairs = models.PositiveIntegerField(_("počet dvojic"), default=0)
    n_obce = models.PositiveIntegerField(_("počet obcí"), default=0)
    max_minutes = models.FloatField(_("nejdelší čas (min)"), default=0)
    source = models.CharField(_("zdroj"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("nahrál"))
    created_at = models.DateTimeField(_("nahráno"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["data"])

    SCOPE = {"region": "region", "district": None, "orp": None, "provider": None, "private": False,
             "edit_roles": REGION_EDIT_ROLES}
    HISTORY_EXCLUDE = ("data",)

    class Meta:
        verbose_name = _("matice dojezdových časů")
        verbose_name_plural = _("matice dojezdových časů")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


class Method(models.TextChoices):
    TWO_STEP = "2sfca", _("2SFCA (bez útlumu)")
    ENHANCED = "e2sfca", _("E2SFCA (gaussovský útlum)")
    BALANCED = "bfca", _("BFCA (vyvážená, gaussovský útlum)")


class Scenario(VersionedModel):
    """Scénář: změny kapacity (přidat / zrušit) a demografie, se snímkem výsledků ve srovnání se současností."""

    name = models.CharField(_("název"), max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="availability_scenarios",
                              verbose_name=_("autor"))
    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="availability_scenarios",
                               verbose_name=_("kraj"))
    kind = models.ForeignKey("registry.ServiceKind", on_delete=models.PROTECT, related_name="availability_scenarios",
                             verbose_name=_("druh služby"))
    year = models.PositiveSmallIntegerField(_("rok údajů"), validators=YEAR)
    method = models.CharField(_("metoda dostupnosti"), max_length=8, choices=Method.choices, default=Method.TWO_STEP)
    radius_km = models.DecimalField(_("dosah (km)"), max_digits=6, decimal_places=1, default=30,
                                    validators=[MinValueValidator(1), MaxValueValidator(200)])
    changes = models.JSONField(_("změny"), default=list, blank=True)
    shared_with = models.ForeignKey("territory.District", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="availability_scenarios", verbose_name=_("sdíleno s okresním týmem"))
    note = models.TextField(_("poznámka"), blank=True)
    results = models.JSONField(_("snímek výsledků"), null=True, blank=True, editable=False)
    computed_at = models.DateTimeField(_("přepočítáno"), null=True, blank=True, editable=False)
    data_version = models.CharField(_("verze dat výpočtu"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("vytvořeno"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["results"])

    # Private: the author, the kraj's staff and the district team it is shared with (see selectors).
    SCOPE = {"region": "region", "district": "shared_with", "orp": None, "provider": None, "private": True,
             "edit_roles": ("region_admin", "region_officer", "district_team"),
             "delete_roles": ("region_admin", "region_officer")}
    HISTORY_EXCLUDE = ("results",)

    class Meta:
        verbose_name = _("scénář dostupnosti")
        verbose_name_plural = _("scénáře dostupnosti")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.name
