"""`socplan import-population`: ČSÚ layout accepted; a malformed file is refused precisely and changes nothing."""

import pytest
from django.core.management import CommandError, call_command

from socplan.territory.models import PopulationFigure
from socplan.territory.population_import import PopulationFileError, population_import

HEADER = "idhod,hodnota,stapro_kod,pohlavi_cis,pohlavi_kod,vek_cis,vek_kod,vuzemi_cis,vuzemi_kod,casref_do,pohlavi_txt,vek_txt,vuzemi_txt\n"


def write(tmp_path, body, name="pop.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_good_file_is_imported(db, tmp_path):
    path = write(tmp_path, (
        "1,6900,4003,,,,,43,581283,2022-12-31,,,Blansko\n"
        "2,1100,4003,,,,,43,581283,2022-12-31,,0 až 14 (více nebo rovno 0 a méně než 15),Blansko\n"
        "3,1500,4003,,,,,43,581283,2022-12-31,,65 a více,Blansko\n"
        "4,400,4003,,,,,43,581283,2022-12-31,,80 a více,Blansko\n"
        "5,700,4003,102,1,,,43,581283,2022-12-31,muž,65 a více,Blansko\n"
        "6,56000,4003,,,,,65,6201,2022-12-31,,,Blansko\n"
        "7,1190000,4003,,,,,100,3115,2022-12-31,,,Jihomoravský kraj\n"
        "8,10500000,4003,,,,,97,19,2022-12-31,,,Česko\n"
    ))
    report = population_import(path=path)
    assert report.created["počty obyvatel"] == 6
    f = PopulationFigure.objects.get(level="obec", unit_code="581283", ref_date="2022-12-31", band="65+")
    assert (f.value, f.is_estimate) == (1500, False)  # the row with a sex was skipped
    assert PopulationFigure.objects.get(level="kraj", unit_code="CZ064", ref_date="2022-12-31").value == 1_190_000
    # importing the same file again changes nothing
    assert not population_import(path=path).changed


def test_malformed_file_lists_every_error_and_changes_nothing(db, tmp_path):
    before = PopulationFigure.objects.count()
    path = write(tmp_path, (
        "1,6900,4003,,,,,43,581283,2022-12-31,,,Blansko\n"           # fine, but must not be stored
        "2,abc,4003,,,,,43,581283,2022-12-31,,65 a více,Blansko\n"   # line 3: bad number
        "3,10,4003,,,,,43,999999,2022-12-31,,,Nikde\n"               # line 4: unknown obec
        "4,10,4003,,,,,43,581283,31.12.2022,,15 až 64,Blansko\n"     # line 5: bad date
        "5,10,4003,,,,,43,581283,2022-12-31,,20 až 30,Blansko\n"     # line 6: unknown band
        "6,10,4003,,,,,55,581283,2022-12-31,,,Blansko\n"             # line 7: unknown code list
    ))
    with pytest.raises(PopulationFileError) as exc:
        population_import(path=path)
    errors = [(e.line, e.column) for e in exc.value.errors]
    assert errors == [(3, "hodnota"), (4, "vuzemi_kod"), (5, "casref_do"), (6, "vek_txt"), (7, "vuzemi_cis")]
    message = str(exc.value)
    assert "pop.csv, řádek 3, sloupec hodnota: očekáváno celé nezáporné číslo, je „abc“" in message
    assert "databáze se nezměnila" in message
    assert PopulationFigure.objects.count() == before


def test_missing_column_and_command_error(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("hodnota,vuzemi_kod\n1,581283\n", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("import_population", str(path))
    assert "bad.csv, řádek 1, sloupec vuzemi_cis: chybí povinný sloupec v záhlaví" in str(exc.value)


def test_not_utf8(db, tmp_path):
    path = tmp_path / "cp1250.csv"
    path.write_bytes((HEADER + "1,10,4003,,,,,43,581283,2022-12-31,,,Blansko\n2,5,4003,,,,,43,581283,2022-12-31,,65 a více,Kuřim\n").encode("utf-8") + "Břeclav".encode("cp1250"))
    with pytest.raises(PopulationFileError) as exc:
        population_import(path=path)
    assert "cp1250.csv, řádek 4, sloupec -: soubor není v kódování UTF-8" in str(exc.value)
