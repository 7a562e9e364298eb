"""Benchmark of the MPSV registry import: a national-size file in the open-data schema.

    python bench/registry_import_bench.py            # writes docs/perf/registry.md

* Data: a deterministic synthetic rpss.json (seed 20260831) with the national size of 31 Aug 2026 —
  6,733 services and 18,907 facilities (3.58 % of them without an address point, a share of duplicated
  facilities and of services ended while their facilities look open) — in the record layout of
  domain.md §4a, padded with the parts socplan does not keep (contacts, opening hours, statutory bodies,
  attachment lists) to the size of the real file (~100 MB).  Municipality codes are real (all of ČR).
* A fresh SQLite database in a temporary directory: migrate + import-territory (not timed).
* Timed in one child process, side by side: the import (`registry_import_file`, streaming with ijson, bulk
  upsert with history) and the reference, a plain `json.load` of the same file (best of 3). Peak memory of
  the import: growth of the child's max RSS over its baseline right before the import, and (second child,
  fresh copy of the database) the tracemalloc peak of the import.
* Also timed: a second import of the same file (everything unchanged).
* The previous implementation (commit `BEFORE`, checked out into a temporary git worktree) runs the same
  measurement in a third child on its own copy of the database, so before and after are measured in the
  same run on the same machine; after both imports each child writes a canonical dump of the registry tables
  and their history tables (every column except the history row's id and date and `verified_at`, which hold
  the time of the run), ordered by primary key. The two dumps must be equal: same rows, same ids, same
  history rows in the same order.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED = 20260831
N_SERVICES = 6733
N_FACILITIES = 18907
NO_POINT_SHARE = 0.0358
OUT = ROOT / "docs" / "perf" / "registry.md"
BEFORE = "1711b58"  # the import before records were skipped by the fingerprint of their text
DUMP_MODELS = ("Provider", "Service", "ServiceForm", "Capacity", "Facility", "ServiceTargetGroup", "ServiceAgeGroup",
               "ServiceArea", "TargetGroup", "AgeGroup")
# The history row's own id and date and `verified_at` hold the time of the run; `import_raw_fingerprint` is the
# import's bookkeeping of record texts (outside the history), a column the previous implementations do not have.
DUMP_SKIP = {"history_id", "history_date", "verified_at", "import_raw_fingerprint"}
# The validity of the code lists' entries (filled from the shipped tables by a migration, not by the import):
# columns the previous implementation's schema does not have.
DUMP_SKIP_OF = {"TargetGroup": {"legal_basis", "valid_from", "valid_to"}}
DATA = ROOT / "socplan" / "registry" / "data"


# --- file generation -----------------------------------------------------------------------------------------

def _kinds() -> list[tuple[str, list[str], str]]:
    out = []
    with open(DATA / "kinds.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            cap = "luzka" if r["forms"] == "pob" else "klient"
            out.append((f"DruhSocialniSluzby/{r['mpsv_od_n']}", r["forms"].split("|"), cap))
    return out


def _municipalities() -> list[tuple[str, str]]:
    with open(ROOT / "socplan" / "territory" / "data" / "cz_obce_uzemi.csv", encoding="utf-8") as fh:
        return [(r["kod_obce"], r["nazev_obce"]) for r in csv.DictReader(fh)]


def _ico(n: int) -> str:
    from socplan.registry.ico import ico_check_digit

    first7 = f"{1000000 + n * 37:07d}"
    return first7 + str(ico_check_digit(first7))


def _attachments(rng: random.Random, n: int) -> list[dict]:
    return [{
        "priloha": {"url": f"https://www.mpsv.cz/agportal-server/rest/documents/{rng.randrange(10**9)}",
                    "nazev": f"Příloha {i + 1} – popis realizace poskytování sociální služby.pdf",
                    "velikost": rng.randrange(10**4, 10**7), "mimeType": "application/pdf",
                    "datumVlozeni": "2024-03-15T10:22:31"},
        "platnostOd": "2024-01-01", "platnostDo": None,
        "poznamka": "Dokument vložený poskytovatelem v rámci žádosti o změnu registrace.",
    } for i in range(n)]


def _hours(rng: random.Random) -> list[dict]:
    days = ["pondělí", "úterý", "středa", "čtvrtek", "pátek", "sobota", "neděle"]
    return [{"den": {"id": f"DenVTydnu/{i + 1}"}, "nazevDne": d, "od": "07:00", "do": f"{rng.randint(15, 20)}:30",
             "poznamka": "Mimo pracovní dobu po předchozí telefonické domluvě."} for i, d in enumerate(days)]


def _address(rng: random.Random, obec: str, name: str, point) -> dict:
    return {
        "cisloDomovni": rng.randint(1, 3000), "cisloOrientacni": str(rng.randint(1, 90)), "dodatekAdresy": None,
        "kodAdresnihoMista": point, "psc": f"{rng.randint(10000, 79999)}",
        "typCislaDomovniho": {"id": "TypStavebnihoObjektu/1"}, "kraj": {"id": f"Kraj/{rng.randint(19, 141)}"},
        "okres": {"id": f"Okres/{rng.randint(3100, 3814)}"}, "obec": {"id": f"Obec/{obec}"},
        "castObce": {"id": f"CastObce/{rng.randint(400000, 499999)}"}, "mestskyObvodMestskaCast": None,
        "mestskyObvodVPraze": None, "ulice": {"nazev": f"{name} ulice"},
    }


def generate(path: Path) -> dict:
    """Write the national-size file; return what it contains."""
    rng = random.Random(SEED)
    kinds = _kinds()
    munis = _municipalities()
    extra = N_FACILITIES - N_SERVICES
    per_service = [1] * N_SERVICES
    for _ in range(extra):
        per_service[rng.randrange(N_SERVICES)] += 1
    no_point = set(rng.sample(range(N_FACILITIES), round(N_FACILITIES * NO_POINT_SHARE)))
    fac_no = 0
    n_providers = 3600
    stats = {"services": N_SERVICES, "facilities": N_FACILITIES, "no_point": len(no_point), "duplicates": 0,
             "ended_open": 0}
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('{"polozky": [')
        for i in range(N_SERVICES):
            kind_id, forms, cap = kinds[rng.randrange(len(kinds))]
            obec, obec_name = munis[rng.randrange(len(munis))]
            start = date(2007, 1, 1) + timedelta(days=rng.randrange(6500))
            ended = rng.random() < 0.03
            end = (start + timedelta(days=rng.randrange(200, 3000))) if ended else None
            facilities = []
            for k in range(per_service[i]):
                point = None if fac_no in no_point else 10_000_000 + fac_no
                fac_no += 1
                dup = k > 0 and rng.random() < 0.02
                if dup:
                    facilities.append(dict(facilities[-1]))
                    stats["duplicates"] += 1
                    continue
                f_obec = obec if k == 0 or rng.random() < 0.7 else munis[rng.randrange(len(munis))][0]
                facilities.append({
                    "nazev": f"Zařízení {i}-{k} {obec_name}", "poskytujeOd": start.isoformat(), "poskytujeDo": None,
                    "adresa": _address(rng, f_obec, obec_name, point),
                    "telefony": [{"telefon": f"{rng.randint(200000000, 799999999)}", "poznamka": None}],
                    "emaily": [{"email": f"zarizeni{i}-{k}@example.cz", "poznamka": None}],
                    "vedouci": {"jmeno": "Jméno", "prijmeni": "Příjmení", "titulPred": "Bc."},
                })
            if ended:
                stats["ended_open"] += 1
            p = rng.randrange(n_providers)
            rec = {
                "portalId": 100000 + i, "id": f"https://data.mpsv.cz/od/soubory/rpss/sluzby/{100000 + i}",
                "identifikator": f"{1000000 + i * 13:07d}", "datumPoskytovaniOd": start.isoformat(),
                "datumPoskytovaniDo": end.isoformat() if end else None,
                "kontaktniAdresy": [_address(rng, obec, obec_name, 20_000_000 + i)],
                "druhSocialniSluzby": {"id": kind_id}, "zarizeni": facilities,
                "poskytovatel": {
                    "ico": _ico(p), "nazev": f"Poskytovatel sociálních služeb {p}, z. ú.", "dic": f"CZ{_ico(p)}",
                    "weby": [{"web": f"https://www.poskytovatel{p}.cz", "poznamka": None}],
                    "emaily": [{"email": f"info@poskytovatel{p}.cz", "poznamka": None}],
                    "telefony": [{"telefon": f"{rng.randint(200000000, 799999999)}", "poznamka": None}],
                    "statutarniOrgany": [{"jmeno": "Jméno", "prijmeni": "Příjmení", "titulPred": "Mgr.",
                                          "titulZa": None, "funkce": "ředitel"} for _ in range(rng.randint(1, 3))],
                },
                "emaily": [{"email": f"sluzba{i}@example.cz", "poznamka": None}],
                "telefony": [{"telefon": f"{rng.randint(200000000, 799999999)}", "poznamka": "recepce"}],
                "faxy": [], "weby": [{"web": f"https://www.poskytovatel{p}.cz/sluzba{i}", "poznamka": None}],
                "ciloveSkupiny": [{"cilovaSkupina": {"id": f"CilovaSkupinaOsoby/{g}"}}
                                  for g in sorted(rng.sample(range(1, 32), rng.randint(1, 4)))],
                "vekoveSkupiny": [{"vekovaSkupina": {"id": f"VekovaSkupinaOsoby/{g}"}}
                                  for g in sorted(rng.sample(range(1, 10), rng.randint(1, 3)))],
                "doplnujiciInformaceVekoveSkupiny": None,
                "formy": [{
                    "forma": {"id": f"FormaSocialniSluzby/{f}"}, "nepretrzitePoskytovani": f == "pob",
                    "casoveRozsahy": None if f == "pob" else _hours(rng),
                    "kapacity": [{"pocet": rng.randint(5, 120),
                                  "popis": "Maximální kapacita služby s účinností od 01.01.2024.",
                                  "typ": {"id": f"TypKapacitySocialniSluzby/{'luzka' if f == 'pob' else cap}"}}],
                } for f in sorted(rng.sample(forms, rng.randint(1, len(forms))))],
                "rozsirenePusobnostiVKraji": [],
                "doplnkoveUdaje": {
                    "realizacePoskytovani": _attachments(rng, rng.randint(4, 10)),
                    "planyFinancnihoZajisteni": _attachments(rng, rng.randint(4, 10)),
                    "personalniZajisteni": _attachments(rng, rng.randint(4, 10)),
                },
            }
            if i:
                fh.write(",")
            fh.write(json.dumps(rec, ensure_ascii=False))
        fh.write("]}")
    stats["bytes"] = path.stat().st_size
    return stats


# --- measurement (child process) ------------------------------------------------------------------------------

def _django(db: Path, data_dir: Path):
    os.environ["DJANGO_SETTINGS_MODULE"] = "socplan.settings"
    os.environ["SOCPLAN_DATA_DIR"] = str(data_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    import django

    django.setup()


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _dump(out: Path) -> dict:
    """Write the registry tables and their history (see the module docstring) to `out`; return row counts."""
    import hashlib

    from django.apps import apps
    from django.db import connection

    counts = {}
    digest = hashlib.sha256()
    with open(out, "w", encoding="utf-8") as fh, connection.cursor() as cursor:
        for name in DUMP_MODELS:
            model = apps.get_model("registry", name)
            for m in (model, model.history.model):
                skip = DUMP_SKIP | DUMP_SKIP_OF.get(name, set())
                cols = sorted(f.column for f in m._meta.concrete_fields if f.column not in skip)
                order = "history_id" if m is not model else m._meta.pk.column
                q = connection.ops.quote_name
                cursor.execute(f"SELECT {', '.join(q(c) for c in cols)} FROM {q(m._meta.db_table)} ORDER BY {q(order)}")
                n = 0
                for row in cursor.fetchall():
                    line = json.dumps([m._meta.db_table, *row], default=str, ensure_ascii=False)
                    fh.write(line + "\n")
                    digest.update(line.encode())
                    n += 1
                counts[m._meta.db_table] = n
    return {"dump_sha256": digest.hexdigest(), "dump_rows": counts}


def child_time(db: Path, data_dir: Path, file: Path) -> dict:
    _django(db, data_dir)
    from socplan.registry.services import codelists_load, registry_import_file

    codelists_load()
    base = _maxrss_mb()
    t = time.perf_counter()
    report = registry_import_file(path=file)
    t_import = time.perf_counter() - t
    peak = _maxrss_mb()
    t = time.perf_counter()
    report2 = registry_import_file(path=file)
    t_reimport = time.perf_counter() - t
    loads = []
    for _ in range(3):
        t = time.perf_counter()
        with open(file, encoding="utf-8") as fh:
            data = json.load(fh)
        loads.append(time.perf_counter() - t)
        del data
    from socplan.registry.models import Facility, Service

    dumped = _dump(db.with_suffix(".dump.jsonl"))
    return {**dumped, "load": os.getloadavg(), "t_import": t_import, "t_reimport": t_reimport, "t_json": min(loads), "rss_base": base,
            "rss_peak": peak, "created": report.created, "rejected": len(report.rejected),
            "warnings": dict(report.warnings), "unchanged2": report2.unchanged, "updated2": report2.updated,
            "created2": report2.created, "services": Service.objects.count(), "facilities": Facility.objects.count()}


def child_tracemalloc(db: Path, data_dir: Path, file: Path) -> dict:
    _django(db, data_dir)
    import tracemalloc

    from socplan.registry.services import codelists_load, registry_import_file

    codelists_load()
    tracemalloc.start()
    registry_import_file(path=file)
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"tracemalloc_peak": peak / 2**20}


def _child(mode: str, db: Path, data_dir: Path, file: Path, code: Path = ROOT) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(db), str(data_dir), str(file),
                          "--code", str(code)], check=True, capture_output=True, text=True, cwd=code,
                         env={**os.environ, "PYTHONPATH": str(code)})
    return json.loads(out.stdout.strip().splitlines()[-1])


def _first_difference(a: Path, b: Path) -> str:
    with open(a, encoding="utf-8") as fa, open(b, encoding="utf-8") as fb:
        for n, (la, lb) in enumerate(zip(fa, fb, strict=False), start=1):
            if la != lb:
                return f"line {n}:\n  before: {la.strip()[:400]}\n  now:    {lb.strip()[:400]}"
    return "one dump is a prefix of the other"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=4, metavar=("MODE", "DB", "DATA_DIR", "FILE"))
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--before", default=BEFORE, help="commit of the previous implementation")
    parser.add_argument("--code", help=argparse.SUPPRESS)  # child: the source tree to import socplan from
    args = parser.parse_args()
    if args.child:
        if args.code:
            sys.path.insert(0, args.code)
        mode, db, data_dir, file = args.child
        fn = child_time if mode == "time" else child_tracemalloc
        print(json.dumps(fn(Path(db), Path(data_dir), Path(file))))
        return

    tmp = Path(tempfile.mkdtemp(prefix="socplan-registry-bench-"))
    try:
        file = tmp / "rpss.json"
        t = time.perf_counter()
        stats = generate(file)
        print(f"file: {stats['bytes'] / 1e6:.1f} MB, generated in {time.perf_counter() - t:.1f} s")
        db = tmp / "bench.sqlite3"
        env = {**os.environ, "SOCPLAN_DATA_DIR": str(tmp), "DATABASE_URL": f"sqlite:///{db}"}
        cli = [sys.executable, "-m", "socplan.cli"]
        subprocess.run([*cli, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        subprocess.run([*cli, "import-territory"], env=env, check=True, cwd=ROOT, capture_output=True)
        db2 = tmp / "bench2.sqlite3"
        shutil.copy(db, db2)
        db_before = tmp / "before.sqlite3"
        before_tree = tmp / "before-code"
        subprocess.run(["git", "worktree", "add", "--detach", str(before_tree), args.before], cwd=ROOT,
                       check=True, capture_output=True)
        try:
            # The previous code gets a database of its own schema (migrated by its own migrations).
            env_before = {**env, "DATABASE_URL": f"sqlite:///{db_before}", "PYTHONPATH": str(before_tree)}
            subprocess.run([*cli, "migrate", "-v0"], env=env_before, check=True, cwd=before_tree)
            subprocess.run([*cli, "import-territory"], env=env_before, check=True, cwd=before_tree,
                           capture_output=True)
            before = _child("time", db_before, tmp, file, code=before_tree)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(before_tree)], cwd=ROOT, capture_output=True)
        print("before:", json.dumps(before, indent=1))
        timing = _child("time", db, tmp, file)
        print("now:", json.dumps(timing, indent=1))
        mem = _child("tracemalloc", db2, tmp, file)
        print(json.dumps(mem, indent=1))
        same = before["dump_sha256"] == timing["dump_sha256"]
        if not same:
            print("RESULT DIFFERS from the previous implementation:",
                  _first_difference(db_before.with_suffix(".dump.jsonl"), db.with_suffix(".dump.jsonl")))
        _write(stats, timing, mem, before, same, args.before)
        if not same:
            sys.exit(1)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def _write(stats: dict, t: dict, m: dict, b: dict, same: bool, before_commit: str) -> None:
    ratio = t["t_import"] / t["t_json"]
    re_ratio = t["t_reimport"] / t["t_json"]
    b_ratio = b["t_import"] / b["t_json"]
    b_re_ratio = b["t_reimport"] / b["t_json"]
    rss = t["rss_peak"] - t["rss_base"]
    b_rss = b["rss_peak"] - b["rss_base"]

    def mark(ok: bool) -> str:
        return "✓" if ok else "✗"

    history = sum(n for table, n in t["dump_rows"].items() if "_historical" in table)
    rows = sum(n for table, n in t["dump_rows"].items() if "_historical" not in table)
    load = ", ".join(f"{x:.1f}" for x in t["load"])
    b_load = ", ".join(f"{x:.1f}" for x in b["load"])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(f"""# Registry import benchmark

Generated by `python bench/registry_import_bench.py` on {date.today().isoformat()}
({platform.python_implementation()} {platform.python_version()}, {platform.machine()}, SQLite, {os.cpu_count()} CPU;
1-minute load average at the end of the measurements: before {b_load}, now {load} — the machine was shared,
so compare the ratios, which are measured against `json.load` in the same process).

**Input.** A synthetic file in the MPSV open-data schema with the national size of 31 Aug 2026:
{stats['services']:,} services, {stats['facilities']:,} facility entries ({stats['no_point']} without an
address point, {stats['duplicates']} duplicated entries, {stats['ended_open']} services ended while their
facilities look open), {stats['bytes'] / 1e6:.1f} MB. Seed {SEED}; municipality codes are real.
Database: a fresh SQLite file after `migrate` + `import-territory` (not timed). *Before* is commit
`{before_commit}` (every record decoded, parsed and fingerprinted to learn that it is unchanged), checked out
beside the current code and measured in the same run on its own database (migrated by its own code).

| measure | before | now | target |
| --- | ---: | ---: | ---: |
| plain `json.load` of the file (reference, best of 3, same process) | {b['t_json']:.2f} s | {t['t_json']:.2f} s | |
| import (streaming parse + bulk insert with history) | {b['t_import']:.2f} s | {t['t_import']:.2f} s | |
| **import ÷ `json.load`** | {b_ratio:.1f}× | **{ratio:.1f}×** {mark(ratio <= 3)} | ≤ 3× |
| second import of the same file (all unchanged) | {b['t_reimport']:.2f} s | {t['t_reimport']:.2f} s | |
| **unchanged re-import ÷ `json.load`** | {b_re_ratio:.2f}× | **{re_ratio:.2f}×** {mark(re_ratio <= 1)} | ≤ 1× |
| peak memory: max-RSS growth over the process baseline | {b_rss:.0f} MB | {rss:.0f} MB {mark(rss <= 300)} | ≤ 300 MB |
| peak memory: tracemalloc peak of the import (separate run, fresh DB) | | {m['tracemalloc_peak']:.0f} MB {mark(m['tracemalloc_peak'] <= 300)} | ≤ 300 MB |

**Same result as before: {"yes" if same else "NO"}.** The registry tables and their history tables after both
imports, compared row by row (ids included; not the history rows' own id and date, `verified_at`, the new
`import_raw_fingerprint` or the target groups' validity columns, which the previous schema lacks):
{rows:,} rows and {history:,} history rows — one history row per written row — dump SHA-256
`{t['dump_sha256'][:16]}…` now, `{b['dump_sha256'][:16]}…` before.
Imported: {t['created']:,} services created, {t['rejected']} rejected; {t['services']:,} services and
{t['facilities']:,} facilities stored (duplicates collapsed); warnings {t['warnings']}.
The second import: {t['created2']} created, {t['updated2']} updated, {t['unchanged2']:,} unchanged.

**What changed.** Before, an unchanged re-import was bounded by reading: every record was decoded by the C
decoder (as `json.load` does), parsed and fingerprinted to learn that it was unchanged. Now the import stores,
beside the fingerprint of the parsed record, a fingerprint of the record's *text* (`Service.import_raw_fingerprint`:
SHA-256 of a salt and the record's UTF-8 bytes, with its length; outside the history). The salt covers the code
lists, the column limits, the reader's limits and the code of the parser and reader, so a text read under other
rules matches nothing. At the next import the index of these fingerprints (one query, in the order of the ids,
which is the order of the file) is handed to the reader: at each record it hashes the text of the length expected
next and, when it matches, skips the record without decoding it; otherwise it decodes the record as before and
looks its fingerprint up (so a reordered file still skips its known records). A known record goes through the
same duplicate and identity checks and counts as unchanged; nothing else of it is built. The first import (and
the new and changed records of any import) still go the full way: streaming parse, prepared multi-row
`INSERT … RETURNING id` with history rows by `executemany` (`mpsv_import/write.py`), `bulk_update_with_history`
for changed rows.

**What is left** of an unchanged re-import: reading and UTF-8-decoding the file in 1 MB chunks, the digit-run check
on the bytes, one SHA-256 per record, the code lists and the index from the database, and the SHA-256 of the whole
file for the import log.
""", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
