"""Builders of records in the MPSV registry open-data shape (domain.md §4a), for the import tests."""

from __future__ import annotations

import json
from pathlib import Path


def address(obec: str | None, point: int | None, street="Nemocniční", house=2272, orient="54", psc="35201"):
    return {
        "cisloDomovni": house, "cisloOrientacni": orient, "dodatekAdresy": None,
        "kodAdresnihoMista": point, "psc": psc, "typCislaDomovniho": {"id": "TypStavebnihoObjektu/1"},
        "kraj": {"id": "Kraj/116"}, "okres": {"id": "Okres/3703"},
        "obec": {"id": f"Obec/{obec}"} if obec else None, "castObce": {"id": "CastObce/411566"},
        "mestskyObvodMestskaCast": None, "mestskyObvodVPraze": None, "ulice": {"nazev": street},
    }


def facility(name, obec="582786", point=19012345, od="2016-09-01", do=None, **addr):
    return {"nazev": name, "poskytujeOd": od, "poskytujeDo": do, "adresa": address(obec, point, **addr)}


def form(code, *caps, continuous=False):
    return {
        "forma": {"id": f"FormaSocialniSluzby/{code}"}, "nepretrzitePoskytovani": continuous, "casoveRozsahy": None,
        "kapacity": [{"pocet": n, "popis": f"Maximální kapacita {n}.", "typ": {"id": f"TypKapacitySocialniSluzby/{t}"}}
                     for t, n in caps],
    }


def record(portal_id, identifier, kind=13, ico="99001012", provider="Diakonie ČCE – středisko Brno",
           od="2007-01-01", do=None, forms=None, facilities=None, target=(24,), age=(), **extra):
    rec = {
        "portalId": portal_id, "id": f"https://data.mpsv.cz/od/rpss/sluzby/{portal_id}",
        "identifikator": identifier, "datumPoskytovaniOd": od, "datumPoskytovaniDo": do,
        "kontaktniAdresy": [], "druhSocialniSluzby": {"id": f"DruhSocialniSluzby/{kind}"},
        "zarizeni": facilities if facilities is not None else [facility(f"Služba {portal_id}")],
        "poskytovatel": {
            "ico": ico, "nazev": provider, "dic": None,
            "weby": [{"web": "https://www.example.cz", "poznamka": None}],
            "emaily": [{"email": "info@example.cz", "poznamka": None}],
            "telefony": [{"telefon": "543211111", "poznamka": None}],
            "statutarniOrgany": [{"jmeno": "Jana", "prijmeni": "Nováková", "titulPred": "Mgr.", "funkce": "ředitelka"}],
        },
        "emaily": [{"email": f"sluzba{portal_id}@example.cz", "poznamka": None}],
        "telefony": [{"telefon": "543222222", "poznamka": None}], "faxy": [],
        "weby": [{"web": f"https://www.example.cz/{portal_id}", "poznamka": None}],
        "ciloveSkupiny": [{"cilovaSkupina": {"id": f"CilovaSkupinaOsoby/{t}"}} for t in target],
        "vekoveSkupiny": [{"vekovaSkupina": {"id": f"VekovaSkupinaOsoby/{a}"}} for a in age],
        "doplnujiciInformaceVekoveSkupiny": None,
        "formy": forms if forms is not None else [form("pob", ("luzka", 32), continuous=True)],
        "rozsirenePusobnostiVKraji": [],
        "doplnkoveUdaje": {"realizacePoskytovani": [{"priloha": {"url": "https://www.mpsv.cz/agportal-server/rest/documents/1"}}]},
    }
    rec.update(extra)
    return rec


def write(path: Path, records) -> Path:
    path.write_text(json.dumps({"polozky": records}, ensure_ascii=False), encoding="utf-8")
    return path
