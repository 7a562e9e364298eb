"""`socplan import-population FILE`: population by age band from a ČSÚ open-data CSV.

Accepted layout (ČSÚ open data, e.g. dataset 130149 "Obyvatelstvo podle pohlaví a základních věkových
skupin"): a header row with at least the columns

    hodnota, vuzemi_cis, vuzemi_kod, casref_do, vek_txt

and optionally `pohlavi_kod` / `pohlavi_txt` (rows with a sex are skipped: socplan keeps both sexes together).
`vuzemi_cis` says what `vuzemi_kod` is: 43 = obec (6-digit code), 65 = ORP (4-digit ČSÚ code),
101 = okres (ČSÚ code, číselník 101), 100 = kraj (ČSÚ code, číselník 100), 97 = Česká republika (skipped).
`vek_txt` empty means all ages; otherwise "0 až 14", "15 až 64", "65 až 79", "65 a více", "80 a více"
(ČSÚ also writes "… (více nebo rovno 0 a méně než 15)", which is accepted). `casref_do` is an ISO date.

Values are checked strictly: `hodnota` is ASCII digits only ("²" or Arabic-Indic digits are refused, though
Python would read them as numbers) and at most the largest value the database column holds; `casref_do` is
exactly `RRRR-MM-DD` (nothing after it) with a year from 1800 to 2100. A file over 256 MB is refused unread.

The whole file is checked first; any error → `PopulationFileError` listing every problem as
(file, line, column, what was expected) and nothing is written.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction
from django.db.backends.base.operations import BaseDatabaseOperations

from .models import AgeBand, District, Level, Municipality, Orp, PopulationFigure, Region
from .services import ImportReport, _upsert_population

MAX_BYTES = 256 * 1024 * 1024
YEARS = (1800, 2100)
VALUE_RE = re.compile(r"[0-9]+")  # ASCII digits only (str.isdigit() also accepts "²" and "٣")
DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# The largest population the column holds on every database (PostgreSQL's integer).
VALUE_MAX = BaseDatabaseOperations.integer_field_ranges[PopulationFigure._meta.get_field("value").get_internal_type()][1]
SOURCE_MAX = PopulationFigure._meta.get_field("source").max_length

REQUIRED = ["hodnota", "vuzemi_cis", "vuzemi_kod", "casref_do", "vek_txt"]
LEVELS = {"43": Level.MUNICIPALITY, "65": Level.ORP, "101": Level.DISTRICT, "100": Level.REGION}
BAND_PATTERNS = [
    (re.compile(r"^\s*0\s*až\s*14\b"), AgeBand.A0_14),
    (re.compile(r"^\s*15\s*až\s*64\b"), AgeBand.A15_64),
    (re.compile(r"^\s*65\s*až\s*79\b"), AgeBand.A65_79),
    (re.compile(r"^\s*65\s*a\s*více\b"), AgeBand.A65),
    (re.compile(r"^\s*80\s*a\s*více\b"), AgeBand.A80),
]


@dataclass(frozen=True)
class CellError:
    file: str
    line: int
    column: str
    message: str

    def __str__(self):
        return f"{self.file}, řádek {self.line}, sloupec {self.column}: {self.message}"


class PopulationFileError(Exception):
    def __init__(self, errors: list[CellError]):
        self.errors = errors
        shown = "\n".join(str(e) for e in errors[:50])
        more = f"\n… a dalších {len(errors) - 50} chyb" if len(errors) > 50 else ""
        super().__init__(f"Soubor nebyl načten, databáze se nezměnila. Chyby ({len(errors)}):\n{shown}{more}")


def _shown(text: str) -> str:
    """A cell as an error message quotes it: control characters replaced, at most 40 characters."""
    text = re.sub(r"[\x00-\x1f\x7f]", "\ufffd", text)
    return text if len(text) <= 40 else text[:39] + "…"


def _value(text: str) -> tuple[int | None, str | None]:
    if not VALUE_RE.fullmatch(text):
        hint = " (jen číslice 0–9)" if any(ch.isdigit() for ch in text) else ""
        return None, f"očekáváno celé nezáporné číslo{hint}, je „{_shown(text)}“"
    value = int(text) if len(text) <= len(str(VALUE_MAX)) else None
    if value is None or value > VALUE_MAX:
        return None, f"hodnota {_shown(text)} je větší, než kolik databáze pojme ({VALUE_MAX})"
    return value, None


def _date(text: str) -> tuple[date | None, str | None]:
    m = DATE_RE.fullmatch(text)
    if m is None:
        return None, f"očekáváno datum RRRR-MM-DD, je „{_shown(text)}“"
    try:
        parsed = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None, f"neplatné datum „{_shown(text)}“"
    if not YEARS[0] <= parsed.year <= YEARS[1]:
        return None, f"rok {parsed.year} mimo rozsah {YEARS[0]}–{YEARS[1]}"
    return parsed, None


def _band(text: str) -> AgeBand | None:
    if not text.strip():
        return AgeBand.TOTAL
    for pattern, band in BAND_PATTERNS:
        if pattern.search(text):
            return band
    return None


def parse_population_file(path: Path) -> dict[tuple, tuple[int, bool, str]]:
    name = Path(path).name
    errors: list[CellError] = []
    try:
        size = Path(path).stat().st_size
        if size > MAX_BYTES:
            raise PopulationFileError([CellError(name, 0, "-", f"soubor má {size // 2**20} MB, nejvýše lze načíst "
                                                               f"{MAX_BYTES // 2**20} MB")])
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise PopulationFileError([CellError(name, 0, "-", f"soubor nelze otevřít ({exc.strerror})")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PopulationFileError([CellError(name, line, "-", "soubor není v kódování UTF-8 (uložte jej jako CSV UTF-8)")])
    fh = io.StringIO(text, newline="")
    codes = {
        Level.MUNICIPALITY: {c: c for c in Municipality.objects.values_list("code", flat=True)},
        Level.ORP: {c: c for c in Orp.objects.values_list("code", flat=True)},
        Level.DISTRICT: dict(District.objects.values_list("csu_code", "code")),
        Level.REGION: dict(Region.objects.values_list("csu_code", "code")),
    }
    rows: dict[tuple, tuple[int, bool, str]] = {}
    with fh:
        try:
            sample = fh.read(4096)
            fh.seek(0)
            dialect = csv.Sniffer().sniff(sample, delimiters=",;") if sample else csv.excel
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(fh, dialect=dialect)
        header = reader.fieldnames or []
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise PopulationFileError([CellError(name, 1, c, "chybí povinný sloupec v záhlaví") for c in missing])
        source = f"ČSÚ, soubor {name}"[:SOURCE_MAX]
        try:
            for line_no, rec in enumerate(reader, start=2):
                if None in rec:
                    errors.append(CellError(name, line_no, "-", f"řádek má více hodnot než záhlaví ({len(header)} sloupců)"))
                    continue
                if (rec.get("pohlavi_kod") or rec.get("pohlavi_txt") or "").strip():
                    continue
                cis = (rec["vuzemi_cis"] or "").strip()
                if cis == "97":
                    continue
                level = LEVELS.get(cis)
                if level is None:
                    errors.append(CellError(name, line_no, "vuzemi_cis", f"očekáván číselník území 43, 65, 101, 100 nebo 97, je „{_shown(cis)}“"))
                    continue
                raw_code = (rec["vuzemi_kod"] or "").strip()
                code = codes[level].get(raw_code)
                if code is None:
                    errors.append(CellError(name, line_no, "vuzemi_kod", f"neznámý kód území „{_shown(raw_code)}“ pro číselník {cis}"))
                band = _band(rec["vek_txt"] or "")
                if band is None:
                    errors.append(CellError(name, line_no, "vek_txt", f"neznámá věková skupina „{_shown(rec['vek_txt'])}“ (očekáváno 0 až 14, 15 až 64, 65 a více, 65 až 79, 80 a více nebo prázdné)"))
                ref, message = _date((rec["casref_do"] or "").strip())
                if message:
                    errors.append(CellError(name, line_no, "casref_do", message))
                value, message = _value((rec["hodnota"] or "").strip())
                if message:
                    errors.append(CellError(name, line_no, "hodnota", message))
                    continue
                if code is None or band is None or ref is None:
                    continue
                key = (level, code, ref, band)
                if key in rows:
                    errors.append(CellError(name, line_no, "vuzemi_kod", "stejné území, datum a věková skupina je v souboru podruhé"))
                    continue
                rows[key] = (value, False, source)
        except csv.Error as exc:
            errors.append(CellError(name, reader.line_num, "-", f"soubor není platné CSV ({exc})"))
    if not rows and not errors:
        errors.append(CellError(name, 2, "-", "soubor neobsahuje žádná data"))
    if errors:
        raise PopulationFileError(errors)
    return rows


@transaction.atomic
def population_import(*, path: Path) -> ImportReport:
    rows = parse_population_file(path)
    report = ImportReport()
    _upsert_population(rows, report)
    return report
