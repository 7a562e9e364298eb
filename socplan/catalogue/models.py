"""Public catalogue: a denormalised, precomputed read model of the registry for citizens.

`CatalogueEntry` (one per registered service) holds everything the search and the result list need — the
normalised search text, codes packed as "|a|b|" strings for exact token matching, a short place label and
the regional-network flag — so a search is one query on one table, on SQLite and PostgreSQL alike.
`CataloguePlace` holds the service's places with coordinates (indexed) for "near me" searches.
`CatalogueState` (one row) records when the entries were rebuilt and a fingerprint of their content, from
which the pages and the API derive their ETags.

The rows are derived data: `socplan.catalogue.services.catalogue_refresh` rebuilds them from the registry
(command `socplan catalogue-refresh`, job `catalogue_refresh`, after every registry import, and for single
services after edits). They are never edited by hand, so they carry no history.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CatalogueEntry(models.Model):
    service = models.OneToOneField("registry.Service", on_delete=models.CASCADE, primary_key=True,
                                   related_name="catalogue_entry", verbose_name=_("služba"))
    name = models.CharField(_("název"), max_length=255)
    provider_name = models.CharField(_("poskytovatel"), max_length=255)
    provider_ico = models.CharField(_("IČO poskytovatele"), max_length=8)
    kind_code = models.CharField(_("kód druhu"), max_length=10, db_index=True)
    kind_name = models.CharField(_("druh služby"), max_length=120)
    forms = models.CharField(_("formy"), max_length=20, help_text=_("kódy forem ve tvaru |amb|ter|"))
    target_groups = models.CharField(_("cílové skupiny"), max_length=500, blank=True,
                                     help_text=_("ID cílových skupin ve tvaru |1|7|"))
    situations = models.CharField(_("životní situace"), max_length=500, blank=True,
                                  help_text=_("kódy životních situací ve tvaru |pecuji-o-blizkeho|"))
    orp_codes = models.TextField(_("ORP"), blank=True,
                                 help_text=_("kódy ORP zařízení a územní působnosti ve tvaru |6201|6202|"))
    municipality_codes = models.TextField(_("obce"), blank=True,
                                          help_text=_("kódy obcí zařízení a územní působnosti ve tvaru |581283|"))
    place_label = models.CharField(_("místa"), max_length=300, blank=True)
    search_text = models.TextField(_("text pro vyhledávání"),
                                   help_text=_("normalizovaná slova (bez diakritiky, zkrácená na kmen)"))
    name_text = models.TextField(_("text pro řazení"), blank=True,
                                 help_text=_("normalizovaná slova názvu a druhu: shody v názvu jdou první"))
    valid_from = models.DateField(_("poskytována od"), null=True, blank=True)
    valid_to = models.DateField(_("poskytována do"), null=True, blank=True)
    in_network = models.BooleanField(_("v krajské síti"), null=True, blank=True,
                                     help_text=_("Prázdné, když síť služeb není k dispozici."))
    region_code = models.CharField(_("kraj"), max_length=10, blank=True, db_index=True)
    refreshed_at = models.DateTimeField(_("obnoveno"), auto_now=True)

    class Meta:
        verbose_name = _("položka katalogu")
        verbose_name_plural = _("položky katalogu")
        ordering = ["name", "service_id"]
        indexes = [models.Index(fields=["name", "service"], name="catalogue_entry_name_idx")]

    def __str__(self):
        return self.name

    @property
    def form_codes(self) -> list[str]:
        return [f for f in self.forms.split("|") if f]


class CatalogueDetail(models.Model):
    """The public registry details a service page shows (forms and capacities, facilities, territory, target
    and age groups, contact), kept apart from the narrow entry table that searches scan."""

    entry = models.OneToOneField(CatalogueEntry, on_delete=models.CASCADE, primary_key=True,
                                 related_name="detail_row", verbose_name=_("položka katalogu"))
    data = models.JSONField(_("údaje stránky služby"), default=dict, blank=True)

    class Meta:
        verbose_name = _("údaje služby v katalogu")
        verbose_name_plural = _("údaje služeb v katalogu")

    def __str__(self):
        return str(self.entry_id)


class CataloguePlace(models.Model):
    entry = models.ForeignKey(CatalogueEntry, on_delete=models.CASCADE, related_name="places",
                              verbose_name=_("položka katalogu"))
    facility_id = models.PositiveBigIntegerField(_("ID zařízení"), null=True, blank=True)
    name = models.CharField(_("název"), max_length=255)
    address = models.CharField(_("adresa"), max_length=300, blank=True)
    municipality_code = models.CharField(_("kód obce"), max_length=10, blank=True)
    municipality_name = models.CharField(_("obec"), max_length=120, blank=True)
    orp_code = models.CharField(_("kód ORP"), max_length=10, blank=True)
    lat = models.FloatField(_("zeměpisná šířka"), null=True, blank=True)
    lon = models.FloatField(_("zeměpisná délka"), null=True, blank=True)
    confidential = models.BooleanField(
        _("utajená adresa"), default=False,
        help_text=_("Jen obec: název a adresa místa se neukazují, souřadnice jsou souřadnice obce."))

    class Meta:
        verbose_name = _("místo v katalogu")
        verbose_name_plural = _("místa v katalogu")
        ordering = ["entry", "name", "pk"]
        indexes = [models.Index(fields=["lat", "lon"], name="catalogue_place_latlon_idx")]

    def __str__(self):
        return self.name


class CatalogueState(models.Model):
    """One row: when the catalogue was rebuilt, what it contains (fingerprint) and the network year used."""

    refreshed_at = models.DateTimeField(_("obnoveno"), null=True, blank=True)
    fingerprint = models.CharField(_("otisk obsahu"), max_length=64, blank=True)
    entries = models.PositiveIntegerField(_("počet služeb"), default=0)
    network_year = models.PositiveSmallIntegerField(_("rok sítě"), null=True, blank=True)
    network_available = models.BooleanField(_("síť k dispozici"), default=False)

    class Meta:
        verbose_name = _("stav katalogu")
        verbose_name_plural = _("stav katalogu")

    def __str__(self):
        return f"{self.entries} ({self.refreshed_at:%Y-%m-%d %H:%M})" if self.refreshed_at else "—"


class FreeCapacityStatement(models.Model):
    """A provider's statement of free capacity of a service: places free now, the waiting list, the date of
    the statement. Rows are only added (`free_capacity_state`), never changed: the rows are the history, the
    newest is shown at once in the catalogue."""

    service = models.ForeignKey("registry.Service", on_delete=models.CASCADE, related_name="free_capacity_statements",
                                verbose_name=_("služba"))
    places_free = models.PositiveIntegerField(_("volná místa"))
    waiting_list = models.PositiveIntegerField(_("čekatelé v pořadníku"), null=True, blank=True)
    stated_on = models.DateField(_("údaj ke dni"))
    created_at = models.DateTimeField(_("zapsáno"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("zapsal"))

    SCOPE = {"region": "service__region", "district": None, "orp": None, "provider": "service__provider",
             "private": False}

    class Meta:
        verbose_name = _("údaj o volné kapacitě")
        verbose_name_plural = _("údaje o volné kapacitě")
        ordering = ["service", "-stated_on", "-created_at", "-pk"]
        indexes = [models.Index(fields=["service", "-stated_on"], name="catalogue_free_cap_idx")]

    def __str__(self):
        return f"{self.service_id}: {self.places_free} ({self.stated_on})"
