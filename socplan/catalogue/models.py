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
from simple_history.models import HistoricalRecords


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
    # A deployment may hold other kraje's services only for comparison (the national registry extract): the
    # public catalogue lists the kraje named here, all kraje with services when empty.
    region_codes = models.CharField(_("kraje katalogu"), max_length=200, blank=True, help_text=_(
        "Kódy krajů (NUTS 3) oddělené čárkou, jejichž služby katalog zveřejňuje; prázdné = všechny kraje."))

    class Meta:
        verbose_name = _("stav katalogu")
        verbose_name_plural = _("stav katalogu")

    def __str__(self):
        return f"{self.entries} ({self.refreshed_at:%Y-%m-%d %H:%M})" if self.refreshed_at else "—"

    @property
    def regions(self) -> list[str]:
        return [c for c in self.region_codes.split(",") if c]


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


class ProposalState(models.TextChoices):
    SUBMITTED = "submitted", _("čeká na posouzení krajem")
    APPROVED = "approved", _("schváleno a zveřejněno")
    RETURNED = "returned", _("vráceno k opravě")
    SUPERSEDED = "superseded", _("nahrazeno novějším návrhem")


class ContentProposal(models.Model):
    """Catalogue content a provider proposes for its service: the description for citizens, how to apply,
    contacts, opening hours and the price list (structured, see `content`), photos (`ProposalPhoto`). Nothing
    reaches the public catalogue before a kraj officer approves it (`proposals.content_approve`); the newest
    approved proposal of a service is what the catalogue shows. Rows are never deleted: they and their history
    are the record of what was proposed, approved or returned, by whom and when."""

    service = models.ForeignKey("registry.Service", on_delete=models.CASCADE, related_name="content_proposals",
                                verbose_name=_("služba"))
    state = models.CharField(_("stav"), max_length=12, choices=ProposalState.choices, default=ProposalState.SUBMITTED,
                             db_index=True)
    description = models.TextField(_("popis pro veřejnost"), blank=True, max_length=4000)
    how_to_apply = models.TextField(_("jak požádat o službu"), blank=True, max_length=2000)
    phone = models.CharField(_("telefon"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    web = models.URLField(_("web"), max_length=300, blank=True)
    opening_hours = models.JSONField(_("otevírací doba"), default=list, blank=True,
                                     help_text=_("řádky {day: 1–7, opens: HH:MM, closes: HH:MM}"))
    opening_note = models.CharField(_("poznámka k otevírací době"), max_length=300, blank=True)
    prices = models.JSONField(_("ceník úhrad"), default=list, blank=True,
                              help_text=_("řádky {item, amount (Kč), unit}"))
    price_note = models.CharField(_("poznámka k ceníku"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("navrženo"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("navrhl"))
    decided_at = models.DateTimeField(_("rozhodnuto"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("rozhodl"))
    return_reason = models.TextField(_("důvod vrácení"), blank=True, max_length=2000)
    history = HistoricalRecords()

    SCOPE = {"region": "service__region", "district": None, "orp": None, "provider": "service__provider",
             "private": True}

    class Meta:
        verbose_name = _("návrh obsahu katalogu")
        verbose_name_plural = _("návrhy obsahu katalogu")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["service", "state"], name="catalogue_proposal_state_idx")]

    def __str__(self):
        return f"{self.service} ({self.get_state_display()})"


class ProposalPhoto(models.Model):
    """A photo of a proposal, checked (`images.inspect`) and stored without metadata in the database, with two
    bounded-size derivatives (`display` ≤ 1200 px, `thumb` ≤ 400 px, made on upload and, for older photos, on
    approval); served only by `views.photo` with its fixed content type."""

    proposal = models.ForeignKey(ContentProposal, on_delete=models.CASCADE, related_name="photos",
                                 verbose_name=_("návrh"))
    data = models.BinaryField(_("obrázek"))
    content_type = models.CharField(_("typ obsahu"), max_length=20)
    width = models.PositiveIntegerField(_("šířka (px)"))
    height = models.PositiveIntegerField(_("výška (px)"))
    size = models.PositiveIntegerField(_("velikost (B)"))
    caption = models.CharField(_("popis fotografie"), max_length=200,
                               help_text=_("co je na fotografii (pro nevidomé a pro tisk)"))
    order = models.PositiveSmallIntegerField(_("pořadí"), default=0)
    # bounded-size copies without metadata (`images.derivative`): the page and the card use `display`, lists and
    # the brochure `thumb`; the original above stays as uploaded (minus metadata) for the provider and the kraj
    display = models.BinaryField(_("zmenšenina pro stránku"), default=b"", blank=True)
    display_type = models.CharField(_("typ zmenšeniny"), max_length=20, blank=True)
    display_width = models.PositiveIntegerField(_("šířka zmenšeniny (px)"), default=0)
    display_height = models.PositiveIntegerField(_("výška zmenšeniny (px)"), default=0)
    thumb = models.BinaryField(_("náhled"), default=b"", blank=True)
    thumb_type = models.CharField(_("typ náhledu"), max_length=20, blank=True)
    thumb_width = models.PositiveIntegerField(_("šířka náhledu (px)"), default=0)
    thumb_height = models.PositiveIntegerField(_("výška náhledu (px)"), default=0)

    SCOPE = {"region": "proposal__service__region", "district": None, "orp": None,
             "provider": "proposal__service__provider", "private": True}

    class Meta:
        verbose_name = _("fotografie návrhu")
        verbose_name_plural = _("fotografie návrhů")
        ordering = ["proposal", "order", "pk"]

    def __str__(self):
        return self.caption

    def variant(self, size: str) -> tuple[bytes, str, int, int]:
        """(data, content type, width, height) of "display", "thumb" or "original"; a photo without derivatives
        (one that could not be decoded) falls back to the original."""
        if size == "thumb" and self.thumb:
            return bytes(self.thumb), self.thumb_type, self.thumb_width, self.thumb_height
        if size in ("display", "thumb") and self.display:
            return bytes(self.display), self.display_type, self.display_width, self.display_height
        return bytes(self.data), self.content_type, self.width, self.height
