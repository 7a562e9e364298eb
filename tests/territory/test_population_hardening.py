"""`socplan import-population` with the probe's inputs: "²", Arabic-Indic digits, year 0001, trailing garbage in a
date and a value beyond the column are refused, each named by file, line and field, and nothing is written."""

import pytest

from socplan.territory.models import PopulationFigure
from socplan.territory.population_import import PopulationFileError, population_import

HEADER = "idhod,hodnota,stapro_kod,pohlavi_cis,pohlavi_kod,vek_cis,vek_kod,vuzemi_cis,vuzemi_kod,casref_do,pohlavi_txt,vek_txt,vuzemi_txt\n"


def write(tmp_path, body, name="obyvatele.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_the_probe_values_are_refused_by_file_line_and_field(db, tmp_path):
    before = PopulationFigure.objects.count()
    path = write(tmp_path, (
        "1,6900,4003,,,,,43,581283,2022-12-31,,,Blansko\n"                # line 2: fine, but not stored
        "2,²,4003,,,,,43,581283,2022-12-31,,65 a více,Blansko\n"          # line 3: superscript two
        "3,\u0661\u0662\u0663,4003,,,,,43,581283,2022-12-31,,80 a více,Blansko\n"  # line 4: Arabic-Indic 123
        "4,10,4003,,,,,43,581283,0001-12-31,,15 až 64,Blansko\n"          # line 5: year 1
        "5,10,4003,,,,,43,581283,2022-12-31xyz,,0 až 14,Blansko\n"        # line 6: trailing garbage
        "6,99999999999,4003,,,,,65,6201,2022-12-31,,,Blansko\n"           # line 7: beyond the column
        "7,2147483648,4003,,,,,100,3115,2022-12-31,,,JMK\n"               # line 8: one beyond
        "8,12\u00a0000,4003,,,,,43,581283,2021-12-31,,,Blansko\n"         # line 9: grouped digits
        "9,10,4003,,,,,43,581283,2022-02-30,,65 až 79,Blansko\n"          # line 10: no such day
        "10,10,4003,,,,,43,581283,２０２２-12-31,,65 a více,Blansko\n"     # line 11: full-width digits
    ))
    with pytest.raises(PopulationFileError) as exc:
        population_import(path=path)
    assert [(e.file, e.line, e.column, e.message) for e in exc.value.errors] == [
        ("obyvatele.csv", 3, "hodnota", "očekáváno celé nezáporné číslo (jen číslice 0–9), je „²“"),
        ("obyvatele.csv", 4, "hodnota", "očekáváno celé nezáporné číslo (jen číslice 0–9), je „١٢٣“"),
        ("obyvatele.csv", 5, "casref_do", "rok 1 mimo rozsah 1800–2100"),
        ("obyvatele.csv", 6, "casref_do", "očekáváno datum RRRR-MM-DD, je „2022-12-31xyz“"),
        ("obyvatele.csv", 7, "hodnota", "hodnota 99999999999 je větší, než kolik databáze pojme (2147483647)"),
        ("obyvatele.csv", 8, "hodnota", "hodnota 2147483648 je větší, než kolik databáze pojme (2147483647)"),
        ("obyvatele.csv", 9, "hodnota", "očekáváno celé nezáporné číslo (jen číslice 0–9), je „12\u00a0000“"),
        ("obyvatele.csv", 10, "casref_do", "neplatné datum „2022-02-30“"),
        ("obyvatele.csv", 11, "casref_do", "očekáváno datum RRRR-MM-DD, je „２０２２-12-31“"),
    ]
    assert "obyvatele.csv, řádek 3, sloupec hodnota:" in str(exc.value)
    assert PopulationFigure.objects.count() == before


def test_the_largest_value_the_column_holds_is_imported(db, tmp_path):
    path = write(tmp_path, "1,2147483647,4003,,,,,43,581283,1869-12-31,,,Blansko\n")
    population_import(path=path)
    assert PopulationFigure.objects.get(level="obec", unit_code="581283", ref_date="1869-12-31").value == 2147483647


def test_a_long_value_is_quoted_short(db, tmp_path):
    path = write(tmp_path, "1," + "x" * 5000 + ",4003,,,,,43,581283,2022-12-31,,,Blansko\n")
    with pytest.raises(PopulationFileError) as exc:
        population_import(path=path)
    message = exc.value.errors[0].message
    assert len(message) < 120 and message.endswith("…“")


def test_an_oversized_file_is_refused_unread(db, tmp_path, monkeypatch):
    from socplan.territory import population_import as module

    path = write(tmp_path, "1,10,4003,,,,,43,581283,2022-12-31,,,Blansko\n")
    monkeypatch.setattr(module, "MAX_BYTES", 100)
    with pytest.raises(PopulationFileError) as exc:
        population_import(path=path)
    assert "nejvýše lze načíst" in str(exc.value)
