"""Territory: kraj → okres → ORP → POÚ → obec with official codes, points, outlines and population figures.

Codes follow ČSÚ: obec = 6-digit ČSÚ/RÚIAN code (LAU2), ORP = 4-digit ČSÚ code, okres = LAU1 (CZ0642),
kraj = NUTS3 (CZ064). Outlines are GeoJSON geometries (WGS84, RFC 7946 winding) used for maps.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TerritorialUnit(models.Model):
    code = models.CharField(_("kód"), max_length=10, unique=True)
    name = models.CharField(_("název"), max_length=120)
    boundary = models.JSONField(_("hranice (GeoJSON)"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class Region(TerritorialUnit):
    """Kraj (NUTS3). `code` is the NUTS3 code, e.g. CZ064."""

    csu_code = models.CharField(_("kód ČSÚ (číselník 100)"), max_length=10)
    ruian_code = models.CharField(_("kód RÚIAN"), max_length=10)

    class Meta(TerritorialUnit.Meta):
        verbose_name = _("kraj")
        verbose_name_plural = _("kraje")


class District(TerritorialUnit):
    """Okres (LAU1). `code` is the LAU1 code, e.g. CZ0642."""

    csu_code = models.CharField(_("kód ČSÚ (číselník 101)"), max_length=10)
    ruian_code = models.CharField(_("kód RÚIAN"), max_length=10)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="districts", verbose_name=_("kraj"))

    class Meta(TerritorialUnit.Meta):
        verbose_name = _("okres")
        verbose_name_plural = _("okresy")


class Orp(TerritorialUnit):
    """Obec s rozšířenou působností. `code` is the 4-digit ČSÚ code, e.g. 6201 (Blansko)."""

    ruian_code = models.CharField(_("kód RÚIAN"), max_length=10, blank=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="orps", verbose_name=_("okres"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="orps", verbose_name=_("kraj"))

    class Meta(TerritorialUnit.Meta):
        verbose_name = _("ORP")
        verbose_name_plural = _("ORP")


class Pou(TerritorialUnit):
    """Obec s pověřeným obecním úřadem (5-digit ČSÚ code)."""

    orp = models.ForeignKey(Orp, on_delete=models.PROTECT, related_name="pous", verbose_name=_("ORP"))

    class Meta(TerritorialUnit.Meta):
        verbose_name = _("POÚ")
        verbose_name_plural = _("POÚ")


class Municipality(TerritorialUnit):
    """Obec (LAU2). `code` is the 6-digit ČSÚ/RÚIAN municipality code."""

    pou = models.ForeignKey(Pou, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("POÚ"))
    orp = models.ForeignKey(Orp, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("ORP"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("okres"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("kraj"))
    lat = models.FloatField(_("zeměpisná šířka"), null=True, blank=True)
    lon = models.FloatField(_("zeměpisná délka"), null=True, blank=True)
    point_derived = models.BooleanField(
        _("bod odvozen z hranice"), default=False,
        help_text=_("Bod chyběl ve zdrojových datech a byl dopočten jako těžiště polygonu obce."),
    )
    in_ruian_2026 = models.BooleanField(_("platný kód v RÚIAN 2026"), default=True)

    class Meta(TerritorialUnit.Meta):
        verbose_name = _("obec")
        verbose_name_plural = _("obce")


class Level(models.TextChoices):
    REGION = "kraj", _("kraj")
    DISTRICT = "okres", _("okres")
    ORP = "orp", _("ORP")
    MUNICIPALITY = "obec", _("obec")


class AgeBand(models.TextChoices):
    TOTAL = "total", _("celkem")
    A0_14 = "0-14", _("0–14 let")
    A15_64 = "15-64", _("15–64 let")
    A65 = "65+", _("65 a více let")
    A65_79 = "65-79", _("65–79 let")
    A80 = "80+", _("80 a více let")


class PopulationFigure(models.Model):
    """One population count: a unit, a reference date, an age band; real (measured) or estimated."""

    level = models.CharField(_("úroveň"), max_length=8, choices=Level.choices)
    unit_code = models.CharField(_("kód území"), max_length=10)
    ref_date = models.DateField(_("k datu"))
    band = models.CharField(_("věková skupina"), max_length=8, choices=AgeBand.choices)
    value = models.PositiveIntegerField(_("počet obyvatel"))
    is_estimate = models.BooleanField(_("odhad"), default=False)
    source = models.CharField(_("zdroj"), max_length=200)

    class Meta:
        verbose_name = _("počet obyvatel")
        verbose_name_plural = _("počty obyvatel")
        constraints = [
            models.UniqueConstraint(fields=["level", "unit_code", "ref_date", "band"], name="population_unique_figure"),
        ]
        indexes = [models.Index(fields=["level", "band", "ref_date"])]

    def __str__(self):
        return f"{self.level} {self.unit_code} {self.ref_date} {self.band}: {self.value}"
