"""Provider data exchange: the yearly staffing and economics of a provider's services in an XLSX workbook.

socplan exports a *template* for one provider and one year (`template_build`): sheet „Služby" with one row
per service (columns A–E read-only: socplan ID, identifier, MPSV registry ID, name, kind; then FTE in
direct care, FTE other, the cost lines and the revenue sources, pre-filled with what socplan holds), a sheet
„Návod" with instructions and a hidden sheet „meta" (format, format version, year, provider, and the version
of each service's yearly records at export time). Every cell is written through `socplan.core.render.safe_cells`,
so a service name that looks like a formula stays text.

`provider_xlsx_import` reads a filled template back. Every cell is validated first; each problem is reported
as "List Služby, řádek 5, sloupec F: očekáváno nezáporné číslo (…)". A file with any error stores nothing
(all or nothing, one transaction). Values are stored through `edit_services.staffing_upsert` /
`economics_upsert` with source = provider, so the history records the actor who uploaded the file.

Rules for values: FTE rounded to 0.01, money to whole CZK (ROUND_HALF_UP); a group (staffing / economics)
left entirely blank in a row is not stored; in a partly filled group a blank cell counts as 0. Optimistic
locking: if a service's yearly record changed in socplan since the template was exported and the file
brings different values, the row is refused (download a new template); equal values are just confirmed.
"""

from __future__ import annotations

import math
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from socplan.accounts.scope import can
from socplan.core.models import Source
from socplan.core.money import czk, format_number
from socplan.core.render.safe_cells import xlsx_put, xlsx_save

from .edit_services import ECONOMICS_FIELDS, STAFFING_FIELDS, economics_upsert, staffing_upsert
from .models import COST_FIELDS, Economics, Provider, Service, Staffing

FORMAT_ID = "socplan/rocni-udaje-sluzeb"
FORMAT_VERSION = 1
SHEET = "Služby"
HELP_SHEET = "Návod"
META_SHEET = "meta"
HEADER_ROW = 1
FIRST_ROW = 2
META_TABLE_ROW = 10  # header of the per-service table on the meta sheet
MAX_UNPACKED = 50 * 1024 * 1024
FTE_MAX = Decimal("999999.99")
MONEY_MAX = Decimal("9999999999999")
FTE_STEP = Decimal("0.01")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

READ_ONLY_FILL = PatternFill("solid", fgColor="E8ECF1")
HEADER_FILL = PatternFill("solid", fgColor="D4DFEC")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str  # "id", "text", "fte", "money"
    width: int

    @property
    def editable(self) -> bool:
        return self.kind in ("fte", "money")


def columns() -> list[Column]:
    """The columns of sheet „Služby" (headers always in Czech: the file format does not depend on the UI
    language)."""
    with translation.override("cs"):
        cols = [
            Column("id", _("ID v socplan"), "id", 10),
            Column("identifier", _("Identifikátor služby"), "text", 14),
            Column("registry_id", _("ID v registru MPSV"), "text", 14),
            Column("name", _("Název služby"), "text", 44),
            Column("kind", _("Druh služby"), "text", 32),
        ]
        for f in STAFFING_FIELDS:
            cols.append(Column(f, str(Staffing._meta.get_field(f).verbose_name), "fte", 14))
        for f in ECONOMICS_FIELDS:
            prefix = _("Náklady") if f in COST_FIELDS else _("Výnosy")
            cols.append(Column(f, f"{prefix} – {Economics._meta.get_field(f).verbose_name} (Kč)", "money", 16))
    return cols


def column_letter(key: str) -> str:
    for i, c in enumerate(columns(), start=1):
        if c.key == key:
            return get_column_letter(i)
    raise KeyError(key)


# --- errors ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CellError:
    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        parts = []
        if self.sheet:
            parts.append(_("List %(s)s") % {"s": self.sheet})
        if self.row:
            parts.append(_("řádek %(r)s") % {"r": self.row})
        if self.column:
            parts.append(_("sloupec %(c)s") % {"c": self.column})
        return (", ".join(parts) + ": " if parts else "") + self.message

    def sort_key(self):
        return (self.row or 0, len(self.column or ""), self.column or "")


class XlsxImportError(ValidationError):
    """The file was refused; `cell_errors` lists every problem. Nothing was stored."""

    def __init__(self, errors: list[CellError]):
        self.cell_errors = sorted(errors, key=CellError.sort_key)
        super().__init__([str(e) for e in self.cell_errors], code="xlsx_invalid")


class XlsxRefused(PermissionDenied):
    """The actor may not change the data of the provider the file belongs to. Nothing was stored."""


# --- template ---------------------------------------------------------------------------------------------------

def template_services(*, provider: Provider, year: int, user=None) -> list[Service]:
    """The provider's services active in `year` whose yearly data `user` may change (None = all)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    qs = (Service.objects.filter(provider=provider).select_related("kind", "provider", "region")
          .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
          .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
          .order_by("name", "pk"))
    services = list(qs)
    if user is not None:
        services = [s for s in services if can(user, "change", Staffing(service=s))]
    return services


def template_filename(provider: Provider, year: int) -> str:
    return f"socplan-rocni-udaje-{provider.ico}-{year}.xlsx"


def template_build(*, provider: Provider, year: int, user=None) -> bytes:
    """The pre-filled template for `provider` and `year` as XLSX bytes. With `user`, only the services whose
    yearly data the user may change are included; a user who may change none gets PermissionDenied."""
    if user is not None and not can(user, "change", provider):
        raise PermissionDenied(_("Šablonu poskytovatele může stáhnout jen poskytovatel nebo pracovník kraje."))
    services = template_services(provider=provider, year=year, user=user)
    staffing = {s.service_id: s for s in Staffing.objects.filter(service__in=services, year=year)}
    economics = {e.service_id: e for e in Economics.objects.filter(service__in=services, year=year)}
    cols = columns()
    with translation.override("cs"):
        wb = Workbook()
        ws = wb.active
        ws.title = SHEET
        _write_services(ws, cols, services, staffing, economics, provider, year)
        _write_help(wb.create_sheet(HELP_SHEET), provider, year, len(services))
        _write_meta(wb.create_sheet(META_SHEET), provider, year, user, services, staffing, economics)
    return xlsx_save(wb)


def _write_services(ws, cols, services, staffing, economics, provider, year) -> None:
    bold = Font(bold=True)
    for i, c in enumerate(cols, start=1):
        cell = xlsx_put(ws, HEADER_ROW, i, c.header)
        cell.font = bold
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(i)].width = c.width
    ws.row_dimensions[HEADER_ROW].height = 48
    ws.cell(HEADER_ROW, 1).comment = Comment(
        _("Roční údaje za rok %(y)s – %(p)s. Sloupce A–E neměňte; vyplňte sloupce F a dále.")
        % {"y": year, "p": provider}, "socplan")
    last = FIRST_ROW + len(services) - 1
    for r, s in enumerate(services, start=FIRST_ROW):
        st, ec = staffing.get(s.pk), economics.get(s.pk)
        for i, c in enumerate(cols, start=1):
            cell = xlsx_put(ws, r, i, _initial_value(c, s, st, ec))
            if c.editable:
                cell.protection = Protection(locked=False)
                cell.number_format = "0.00" if c.kind == "fte" else "#,##0"
            else:
                cell.fill = READ_ONLY_FILL
    if services:
        for kind, message in (("fte", _("Zadejte nezáporné číslo (úvazky, nejvýše dvě desetinná místa).")),
                              ("money", _("Zadejte nezápornou částku v Kč."))):
            letters = [get_column_letter(i) for i, c in enumerate(cols, start=1) if c.kind == kind]
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                showErrorMessage=True, errorTitle=_("Neplatná hodnota"), error=message,
                                showInputMessage=False)
            dv.add(f"{letters[0]}{FIRST_ROW}:{letters[-1]}{last}")
            ws.add_data_validation(dv)
    ws.freeze_panes = ws.cell(FIRST_ROW, 6)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _initial_value(c: Column, s: Service, st, ec):
    if c.key == "id":
        return s.pk
    if c.key == "identifier":
        return s.identifier or ""
    if c.key == "registry_id":
        return s.registry_id if s.registry_id is not None else ""
    if c.key == "name":
        return s.name
    if c.key == "kind":
        return str(s.kind)
    if c.kind == "fte":
        return float(getattr(st, c.key)) if st is not None else None
    if c.kind == "money":
        return int(czk(getattr(ec, c.key))) if ec is not None else None
    return None


def _write_help(ws, provider, year, n) -> None:
    lines = [
        _("Roční údaje o sociálních službách – šablona socplan"),
        "",
        _("Poskytovatel: %(p)s") % {"p": provider},
        _("Rok: %(y)s") % {"y": year},
        _("Počet služeb v šabloně: %(n)s") % {"n": n},
        "",
        _("1. Na listu „Služby“ je jeden řádek za každou službu. Sloupce A–E (ID, identifikátor, název, druh) "
          "neměňte, řádky nepřidávejte ani nemažte."),
        _("2. Vyplňte úvazky (přepočtené na plné úvazky, nejvýše dvě desetinná místa) a náklady a výnosy "
          "služby v celých Kč. Všechny hodnoty jsou nezáporná čísla."),
        _("3. Necháte-li prázdné všechny úvazky (nebo všechny náklady a výnosy) služby, tyto údaje se "
          "nezmění. V částečně vyplněné skupině se prázdná buňka počítá jako 0."),
        _("4. Soubor nahrajte v socplan na stránce poskytovatele (Roční údaje) nebo příkazem "
          "„socplan import-provider-xlsx SOUBOR“."),
        _("5. Obsahuje-li soubor chybu, neuloží se nic a socplan vypíše každou chybnou buňku (list, řádek, "
          "sloupec). Opravte je a nahrajte soubor znovu."),
        _("6. Změnil-li mezitím údaje služby někdo jiný, socplan řádek odmítne: stáhněte novou šablonu."),
        _("List „meta“ je skrytý a nesmí se měnit."),
    ]
    ws.column_dimensions["A"].width = 120
    for i, text in enumerate(lines, start=1):
        cell = xlsx_put(ws, i, 1, text)
        cell.alignment = Alignment(wrap_text=True)
    ws.cell(1, 1).font = Font(bold=True, size=13)


def _write_meta(ws, provider, year, user, services, staffing, economics) -> None:
    pairs = [("format", FORMAT_ID), ("format_version", FORMAT_VERSION), ("year", year),
             ("provider_ico", provider.ico), ("provider_id", provider.pk),
             ("exported_at", timezone.now().isoformat(timespec="seconds")),
             ("exported_by", user.get_username() if user is not None else "")]
    for i, (k, v) in enumerate(pairs, start=1):
        xlsx_put(ws, i, 1, k)
        xlsx_put(ws, i, 2, v)
    for i, h in enumerate(("row", "service_id", "staffing_version", "economics_version"), start=1):
        xlsx_put(ws, META_TABLE_ROW, i, h)
    for n, s in enumerate(services):
        st, ec = staffing.get(s.pk), economics.get(s.pk)
        r = META_TABLE_ROW + 1 + n
        xlsx_put(ws, r, 1, FIRST_ROW + n)
        xlsx_put(ws, r, 2, s.pk)
        xlsx_put(ws, r, 3, st.version if st else 0)
        xlsx_put(ws, r, 4, ec.version if ec else 0)
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True


# --- import -----------------------------------------------------------------------------------------------------

@dataclass
class Meta:
    year: int
    provider: Provider
    versions: dict[int, tuple[int, int]]  # service pk → (staffing version, economics version) at export


@dataclass
class RowData:
    row: int
    service: Service
    staffing: dict | None
    economics: dict | None
    staffing_version: int | None = None  # stored version seen during validation (0 = none)
    economics_version: int | None = None


@dataclass
class ImportResult:
    provider: Provider
    year: int
    rows: int = 0
    counts: dict = field(default_factory=lambda: {"created": 0, "updated": 0, "confirmed": 0})

    def summary(self) -> str:
        return _("Poskytovatel %(p)s, rok %(y)s: %(rows)s řádků; nově zadané údaje %(c)s, změněné %(u)s, "
                 "potvrzené beze změny %(k)s.") % {
            "p": self.provider, "y": self.year, "rows": self.rows, "c": self.counts["created"],
            "u": self.counts["updated"], "k": self.counts["confirmed"]}


def _open(file):
    """The workbook as stored: constants, and formulas as formulas (`data_only=False`), so that a formula is
    seen and refused (`_formula_errors`) instead of read as its cached value — or as an empty cell, which a
    partly filled group would count as 0. Refuses non-XLSX files and archives that unpack to more than
    MAX_UNPACKED bytes (a template of a few hundred services is well under 1 MB)."""
    bad = XlsxImportError([CellError(None, None, None, _("Soubor není platný sešit XLSX (Excel 2007 a novější)."))])
    try:
        if hasattr(file, "seek"):
            file.seek(0)
        with zipfile.ZipFile(file) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED:
            raise XlsxImportError([CellError(None, None, None, _(
                "Soubor je po rozbalení příliš velký (%(n)s MB); šablona ročních údajů má nejvýše několik MB.")
                % {"n": unpacked // (1024 * 1024)})])
        if hasattr(file, "seek"):
            file.seek(0)
        return load_workbook(file, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        raise bad


def _formula_errors(wb) -> list[CellError]:
    """Every formula cell of the sheets socplan reads, named by sheet and cell: a value must be typed in (a
    formula's cached value may be missing or stale, and socplan does not evaluate formulas)."""
    errors = []
    for name in (SHEET, META_SHEET):
        if name not in wb.sheetnames:
            continue
        for row in wb[name].iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formula = cell.value if isinstance(cell.value, str) else getattr(cell.value, "text", "")
                    errors.append(CellError(name, cell.row, cell.column_letter, _(
                        "buňka %(ref)s obsahuje vzorec „%(f)s“; socplan vzorce nepočítá, vložte do buňky hodnotu")
                        % {"ref": cell.coordinate, "f": _shown(formula or "=")}))
    return errors


def _meta(wb) -> Meta:
    not_template = _("Soubor není šablona ročních údajů ze socplan (chybí skrytý list „meta“). Stáhněte šablonu "
                     "na stránce poskytovatele.")
    if META_SHEET not in wb.sheetnames or SHEET not in wb.sheetnames:
        raise XlsxImportError([CellError(None, None, None, not_template)])
    ws = wb[META_SHEET]
    pairs = {str(ws.cell(r, 1).value): ws.cell(r, 2).value for r in range(1, META_TABLE_ROW)
             if ws.cell(r, 1).value is not None}
    if pairs.get("format") != FORMAT_ID:
        raise XlsxImportError([CellError(None, None, None, not_template)])
    try:
        version = int(pairs.get("format_version"))
        year = int(pairs.get("year"))
        provider_id = int(pairs.get("provider_id"))
    except (TypeError, ValueError):
        raise XlsxImportError([CellError(META_SHEET, None, None, _("List „meta“ je poškozený."))])
    if version != FORMAT_VERSION:
        raise XlsxImportError([CellError(None, None, None, _(
            "Šablona má verzi formátu %(v)s, socplan čte verzi %(w)s. Stáhněte novou šablonu.") % {
            "v": version, "w": FORMAT_VERSION})])
    provider = Provider.objects.filter(pk=provider_id, ico=str(pairs.get("provider_ico") or "")).first()
    if provider is None:
        raise XlsxImportError([CellError(None, None, None, _(
            "Poskytovatel šablony (IČO %(ico)s) v socplan není.") % {"ico": pairs.get("provider_ico")})])
    versions = {}
    for r in range(META_TABLE_ROW + 1, ws.max_row + 1):
        sid = ws.cell(r, 2).value
        if sid is None:
            continue
        try:
            versions[int(sid)] = (int(ws.cell(r, 3).value or 0), int(ws.cell(r, 4).value or 0))
        except (TypeError, ValueError):
            raise XlsxImportError([CellError(META_SHEET, None, None, _("List „meta“ je poškozený."))])
    return Meta(year=year, provider=provider, versions=versions)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def parse_number(value, kind: str) -> tuple[Decimal | None, str | None]:
    """A cell value as a non-negative Decimal (FTE: 0.01, money: whole CZK) or an error message (Czech).
    Text in Czech notation is accepted ("12,5", "1 234 567 Kč")."""
    bad = _("očekáváno nezáporné číslo (v buňce je „%(v)s“)") % {"v": _shown(value)}
    if _blank(value):
        return None, None
    if isinstance(value, bool) or isinstance(value, (datetime, date)):
        return None, bad
    if isinstance(value, (int, Decimal)):
        d = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            return None, bad
        d = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip()
        for junk in ("\xa0", "\u202f", " ", "Kč", "kč"):
            text = text.replace(junk, "")
        text = text.replace(",", ".")
        try:
            d = Decimal(text)
        except InvalidOperation:
            return None, bad
        if not d.is_finite():
            return None, bad
    else:
        return None, bad
    if d < 0:
        return None, bad
    if kind == "fte":
        d = d.quantize(FTE_STEP, rounding=ROUND_HALF_UP)
        if d > FTE_MAX:
            return None, _("hodnota je příliš velká (nejvýše %(m)s)") % {"m": format_number(FTE_MAX, 2)}
        return d, None
    d = czk(d)
    if d > MONEY_MAX:
        return None, _("hodnota je příliš velká (nejvýše %(m)s Kč)") % {"m": format_number(MONEY_MAX)}
    return d, None


def _validate(wb, meta: Meta, actor) -> tuple[list[RowData], list[CellError]]:
    ws = wb[SHEET]
    cols = columns()
    errors: list[CellError] = []
    for i, c in enumerate(cols, start=1):
        found = ws.cell(HEADER_ROW, i).value
        if " ".join(str(found or "").split()) != c.header:
            errors.append(CellError(SHEET, HEADER_ROW, get_column_letter(i), _(
                "očekáván nadpis „%(h)s“, nalezeno „%(f)s“; sloupce šablony neměňte") % {
                "h": c.header, "f": _shown(found or "")}))
    if errors:
        return [], errors
    services = {s.pk: s for s in Service.objects.filter(pk__in=list(meta.versions), provider=meta.provider)
                .select_related("kind", "provider", "region")}
    staffing = {s.service_id: s for s in Staffing.objects.filter(service__in=list(services), year=meta.year)}
    economics = {e.service_id: e for e in Economics.objects.filter(service__in=list(services), year=meta.year)}
    seen: dict[int, int] = {}
    rows: list[RowData] = []
    col_id = get_column_letter(1)
    for r in range(FIRST_ROW, ws.max_row + 1):
        values = {c.key: ws.cell(r, i).value for i, c in enumerate(cols, start=1)}
        if all(_blank(v) for v in values.values()):
            continue
        raw_id = values["id"]
        try:
            sid = int(raw_id) if not isinstance(raw_id, bool) and not _blank(raw_id) else None
            if isinstance(raw_id, float) and raw_id != sid:
                sid = None
        except (TypeError, ValueError):
            sid = None
        if sid is None:
            errors.append(CellError(SHEET, r, col_id, _("chybí ID služby ze šablony (v buňce je „%(v)s“); "
                                                          "řádky nepřidávejte") % {"v": _shown(raw_id or "")}))
            continue
        service = services.get(sid)
        if service is None:
            errors.append(CellError(SHEET, r, col_id, _(
                "služba s ID %(id)s není v šabloně poskytovatele %(p)s") % {"id": sid, "p": meta.provider}))
            continue
        if sid in seen:
            errors.append(CellError(SHEET, r, col_id, _("služba s ID %(id)s je v souboru už na řádku %(r)s") % {
                "id": sid, "r": seen[sid]}))
            continue
        seen[sid] = r
        parsed: dict[str, Decimal | None] = {}
        for i, c in enumerate(cols, start=1):
            if not c.editable:
                continue
            value, message = parse_number(values[c.key], c.kind)
            if message:
                errors.append(CellError(SHEET, r, get_column_letter(i), message))
            parsed[c.key] = value
        if actor is not None and not can(actor, "change", Staffing(service=service)):
            errors.append(CellError(SHEET, r, None, _("údaje služby %(s)s nemáte oprávnění měnit") % {"s": service}))
            continue
        row = RowData(r, service, _group(parsed, STAFFING_FIELDS), _group(parsed, ECONOMICS_FIELDS))
        exported = meta.versions[sid]
        for label, data, stored, exported_version, attr in (
                (_("personální zajištění"), row.staffing, staffing.get(sid), exported[0], "staffing_version"),
                (_("hospodaření"), row.economics, economics.get(sid), exported[1], "economics_version")):
            current_version = stored.version if stored is not None else 0
            setattr(row, attr, current_version)
            if data is None or current_version == exported_version:
                continue
            same = stored is not None and all(getattr(stored, k) == v for k, v in data.items())
            if not same:
                errors.append(CellError(SHEET, r, None, _(
                    "%(what)s služby %(s)s za rok %(y)s mezitím změnil v socplan jiný uživatel (verze %(now)s, "
                    "šablona byla stažena u verze %(then)s); stáhněte novou šablonu") % {
                    "what": label, "s": service, "y": meta.year, "now": current_version, "then": exported_version}))
        rows.append(row)
    return rows, errors


def _group(parsed: dict, names: list[str]) -> dict | None:
    if all(parsed.get(n) is None for n in names):
        return None
    return {n: parsed.get(n) if parsed.get(n) is not None else Decimal(0) for n in names}


def provider_xlsx_import(*, actor, file, provider: Provider | None = None) -> ImportResult:
    """Import a filled template (a path or a file object). `provider`: the provider the upload page belongs
    to (the file must be its template). Raises `XlsxImportError` (every bad cell; nothing stored) or
    `XlsxRefused` (the actor may not change this provider's data)."""
    wb = _open(file)
    formulas = _formula_errors(wb)
    if formulas:
        raise XlsxImportError(formulas)
    meta = _meta(wb)
    if provider is not None and meta.provider.pk != provider.pk:
        raise XlsxImportError([CellError(None, None, None, _(
            "Soubor je šablona poskytovatele %(f)s, ne poskytovatele %(p)s. Nic nebylo uloženo.") % {
            "f": meta.provider, "p": provider})])
    if actor is not None and not can(actor, "change", meta.provider):
        raise XlsxRefused(_("Soubor patří poskytovateli %(p)s, jehož údaje nemáte oprávnění měnit. "
                            "Nic nebylo uloženo.") % {"p": meta.provider})
    result = ImportResult(provider=meta.provider, year=meta.year)
    with transaction.atomic():
        rows, errors = _validate(wb, meta, actor)
        if errors:
            raise XlsxImportError(errors)
        for row in rows:
            result.rows += 1
            if row.staffing is not None:
                _obj, outcome = staffing_upsert(actor=actor, service=row.service, year=meta.year, data=row.staffing,
                                                expected_version=row.staffing_version, source=Source.PROVIDER)
                result.counts[outcome] = result.counts.get(outcome, 0) + 1
            if row.economics is not None:
                _obj, outcome = economics_upsert(actor=actor, service=row.service, year=meta.year,
                                                 data=row.economics, expected_version=row.economics_version,
                                                 source=Source.PROVIDER)
                result.counts[outcome] = result.counts.get(outcome, 0) + 1
    return result
