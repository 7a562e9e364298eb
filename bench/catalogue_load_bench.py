"""Load test of the public catalogue on PostgreSQL with national-size data behind gunicorn.

    python bench/catalogue_load_bench.py                # writes docs/perf/catalogue.md
    python bench/catalogue_load_bench.py --duration 5   # shorter runs
    python bench/catalogue_load_bench.py --reuse        # keep/reuse the prepared database

* Database: a fresh PostgreSQL database `socplan_catalogue_bench` on 127.0.0.1:5432 (user postgres, trust):
  `migrate`, `import-territory`, then the national-size MPSV registry file (6,733 services, 18,907 facility
  entries) made by the registry benchmark's generator (`bench/registry_import_bench.py`, seed 20260831) and
  imported with `socplan import-registry`; `socplan catalogue-refresh` builds the catalogue (timed);
  `socplan collectstatic`.
* Server: `gunicorn socplan.wsgi` (sync workers, `--workers`, default 2 × CPUs) on loopback with DEBUG=0;
  static files through WhiteNoise (the production set-up of docs/architecture.md).
* Load: `wrk` (apt package `wrk`), 2 threads, a bounded time per scenario (`--duration`, default 10 s), at 16
  and 64 connections, in one run against the same server, after every URL of the rotations was requested
  once (priming: it fills the catalogue's cache as real traffic would):
  - static: a small static file (`/static/socplan/socplan.css`) — the reference;
  - search: catalogue search pages (`/katalog/?…`), rotating over 240 different searches (life situation ×
    obec, near-me radius, form, full text);
  - service: service pages (`/katalog/sluzba/<id>/`), rotating over 1,000 services.
  A Lua script rotates the URLs and prints the latency percentiles (p50/p95/p99) wrk measured. Each scenario
  gets a 3-s warm-up (not reported) first. The search is also measured once at 16 connections against a
  second server with the catalogue's fragment cache switched off (`SOCPLAN_CATALOGUE_CACHE=0`).
* Targets: p95 ≤ 100 ms at 16 clients; search throughput ≥ 25 % of the static file's.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "perf" / "catalogue.md"
PG = "postgres://postgres@127.0.0.1:5432"
DB = "socplan_catalogue_bench"
CLI = [sys.executable, "-m", "socplan.cli"]
VENV_BIN = Path(sys.executable).parent
STATIC = "/static/socplan/socplan.css"
SEED = 20261010

LUA = r"""
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  counter = (id or 1) * 7919
end
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "bytes": %d, "status_errors": %d, "connect": %d, ' ..
    '"read": %d, "write": %d, "timeout": %d, "p50": %d, "p95": %d, "p99": %d, "mean": %.1f, "max": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, latency.max))
end
"""


def _psql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _db_exists() -> bool:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone() is not None


def _env(data_dir: Path, **extra) -> dict:
    return {**os.environ, "DATABASE_URL": f"{PG}/{DB}", "SOCPLAN_DATA_DIR": str(data_dir), "DEBUG": "0",
            "SECRET_KEY": "catalogue-bench-not-secret", "LOG_LEVEL": "ERROR",
            "SOCPLAN_TASK_BACKEND": "django_tasks.backends.immediate.ImmediateBackend", **extra}


def _run(args, env, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, cwd=ROOT, check=True, capture_output=True, text=True, **kw)


def prepare(data_dir: Path, reuse: bool) -> dict:
    info: dict = {}
    env = _env(data_dir)
    if reuse and _db_exists():
        print("reusing database", DB)
    else:
        _psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        _psql(f'CREATE DATABASE "{DB}"')
        t = time.perf_counter()
        _run([*CLI, "migrate", "-v0"], env)
        _run([*CLI, "import-territory"], env)
        print(f"migrate + territory: {time.perf_counter() - t:.0f} s")
        spec = importlib.util.spec_from_file_location("registry_import_bench", ROOT / "bench" / "registry_import_bench.py")
        gen = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(gen)
        file = data_dir / "rpss.json"
        stats = gen.generate(file)
        print(f"registry file: {stats['bytes'] / 1e6:.0f} MB")
        t = time.perf_counter()
        _run([*CLI, "import-registry", str(file), "--no-progress"], env)
        info["t_import"] = time.perf_counter() - t
        print(f"import-registry: {info['t_import']:.0f} s")
        file.unlink()
    t = time.perf_counter()
    out = _run([*CLI, "catalogue-refresh"], env).stdout.strip()
    info["t_refresh"] = time.perf_counter() - t
    info["refresh_out"] = out
    print(f"catalogue-refresh: {info['t_refresh']:.1f} s — {out}")
    _run([*CLI, "collectstatic", "--noinput", "-v0"], env)
    counts = _run([*CLI, "shell", "-c", (
        "from socplan.registry.models import Service, Facility;"
        "from socplan.catalogue.models import CatalogueEntry, CataloguePlace;"
        "import json; print(json.dumps([Service.objects.count(), Facility.objects.count(),"
        " CatalogueEntry.objects.count(), CataloguePlace.objects.count()]))")], env).stdout.strip().splitlines()[-1]
    info["services"], info["facilities"], info["entries"], info["places"] = json.loads(counts)
    return info


def urls(data_dir: Path) -> tuple[list[str], list[str]]:
    """Search URLs (life situation × obec with and without radius, forms, full text) and service pages."""
    env = _env(data_dir)
    out = _run([*CLI, "shell", "-c", (
        "import json; from socplan.catalogue.models import CatalogueEntry;"
        "from socplan.territory.models import Municipality;"
        "ids = list(CatalogueEntry.objects.values_list('service_id', flat=True));"
        "towns = list(Municipality.objects.filter(lat__isnull=False).order_by('-pk').values_list('code', 'name'));"
        "print(json.dumps({'ids': ids, 'towns': towns}))")], env).stdout.strip().splitlines()[-1]
    data = json.loads(out)
    rng = random.Random(SEED)
    from urllib.parse import urlencode

    situations = [s["slug"] for s in json.loads((ROOT / "socplan" / "catalogue" / "data" / "life_situations.json")
                                               .read_text(encoding="utf-8"))["situations"]]
    towns = rng.sample(data["towns"], 60)
    words = ["pecovatelska sluzba", "domov pro seniory", "poradna", "azylovy dum", "osobni asistence",
             "denni stacionar", "krizova pomoc", "odlehcovaci sluzby"]
    search = []
    for i, (code, _name) in enumerate(towns):
        search.append("/katalog/?" + urlencode({"situace": situations[i % len(situations)], "obec": code}))
        search.append("/katalog/?" + urlencode({"situace": situations[(i + 5) % len(situations)], "obec": code,
                                                 "radius_km": rng.choice([10, 20, 50])}))
        search.append("/katalog/?" + urlencode({"obec": code, "radius_km": 20,
                                                 "forma": rng.choice(["ter", "amb", "pob"])}))
        search.append("/katalog/?" + urlencode({"q": words[i % len(words)], **({"strana": 2} if i % 3 == 0 else {})}))
    services = [f"/katalog/sluzba/{pk}/" for pk in rng.sample(data["ids"], min(1000, len(data["ids"])))]
    return search, services


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data_dir: Path, workers: int, **env):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(data_dir / f"gunicorn-{self.port}.log", "w")
        self.proc = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "socplan.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
             "--worker-class", "sync", "--backlog", "2048", "--timeout", "60"],
            env=_env(data_dir, **env), cwd=ROOT, stdout=self.log, stderr=self.log, start_new_session=True)
        for _ in range(150):
            try:
                urllib.request.urlopen(self.base + "/health/", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start: " + (data_dir / f"gunicorn-{self.port}.log").read_text()[-2000:])

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


def wrk(base: str, paths: list[str], connections: int, duration: float, tmp: Path) -> dict:
    paths_file = tmp / f"paths-{len(paths)}-{paths[0].replace('/', '_')[:40]}.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    script = tmp / "bench.lua"
    script.write_text(LUA)
    threads = min(2, connections)
    out = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration:g}s", "--timeout", "10s",
         "-s", str(script), base],
        env={**os.environ, "BENCH_PATHS": str(paths_file)}, check=True, capture_output=True, text=True,
        timeout=duration + 60).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCHJSON "))
    r = json.loads(line.split(" ", 1)[1])
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    r["errors"] = r["status_errors"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
    return r


def prime(base: str, paths: list[str], workers: int = 8) -> float:
    """Request every URL of the rotation once (concurrently) and check it answers 200 — wrk counts only
    non-2xx/3xx answers as errors. Returns the time it took."""
    from concurrent.futures import ThreadPoolExecutor

    def get(p):
        try:
            with urllib.request.urlopen(base + p, timeout=60) as resp:
                resp.read()
                return None if resp.status == 200 else (p, resp.status)
        except Exception as exc:  # noqa: BLE001 — report every failing URL
            return (p, str(exc))

    t = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        bad = [r for r in pool.map(get, paths) if r]
    if bad:
        raise RuntimeError(f"pages fail before the load test: {bad[:5]}")
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measured scenario")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--reuse", action="store_true", help="reuse (and keep) the prepared database")
    parser.add_argument("--keep", action="store_true", help="keep the database and temporary files")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian/Ubuntu: apt-get install -y wrk)")

    data_dir = Path(tempfile.mkdtemp(prefix="socplan-catalogue-bench-"))
    try:
        info = prepare(data_dir, args.reuse)
        search, services = urls(data_dir)
        results: dict = {}
        server = Server(data_dir, args.workers)
        info["load_before"] = os.getloadavg()[0]
        try:
            info["t_prime"] = prime(server.base, [STATIC] + search + services)
            print(f"priming {len(search) + len(services) + 1} URLs: {info['t_prime']:.0f} s")
            for conns in (16, 64):
                for name, paths in (("static", [STATIC]), ("search", search), ("service", services)):
                    wrk(server.base, paths, conns, args.warmup, data_dir)
                    results[(name, conns)] = r = wrk(server.base, paths, conns, args.duration, data_dir)
                    print(f"{name:8} c={conns:3}: {r['rps']:8.0f} req/s  p50 {r['p50'] / 1000:6.1f} ms  "
                          f"p95 {r['p95'] / 1000:6.1f} ms  p99 {r['p99'] / 1000:6.1f} ms  errors {r['errors']}")
        finally:
            server.stop()
        nocache = Server(data_dir, args.workers, SOCPLAN_CATALOGUE_CACHE="0")
        try:
            wrk(nocache.base, search, 16, args.warmup, data_dir)
            results[("search-nocache", 16)] = r = wrk(nocache.base, search, 16, args.duration, data_dir)
            print(f"search without fragment cache c=16: {r['rps']:.0f} req/s  p95 {r['p95'] / 1000:.1f} ms")
            results[("service-nocache", 16)] = r = wrk(nocache.base, services, 16, args.duration, data_dir)
            print(f"service without fragment cache c=16: {r['rps']:.0f} req/s  p95 {r['p95'] / 1000:.1f} ms")
        finally:
            nocache.stop()
        info["load_after"] = os.getloadavg()[0]
        write(info, results, args, len(search), len(services))
    finally:
        if not (args.keep or args.reuse):
            _psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        shutil.rmtree(data_dir, ignore_errors=True)


def _versions() -> str:
    import django
    import gunicorn
    import whitenoise

    wrk_v = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0].split(" [")[0]
    try:
        import psycopg

        with psycopg.connect(f"{PG}/postgres") as conn:
            pg = conn.execute("SHOW server_version").fetchone()[0]
    except Exception:  # noqa: BLE001
        pg = "?"
    return (f"CPython {platform.python_version()}, Django {django.get_version()}, gunicorn {gunicorn.__version__}, "
            f"WhiteNoise {whitenoise.__version__ if hasattr(whitenoise, '__version__') else ''}, PostgreSQL {pg}, "
            f"{wrk_v}").replace("WhiteNoise ,", "WhiteNoise,")


def write(info: dict, results: dict, args, n_search: int, n_services: int) -> None:
    def ms(us):
        return f"{us / 1000:.1f}"

    rows = []
    for conns in (16, 64):
        for name, label in (("static", "static file (`socplan.css`, WhiteNoise)"), ("search", "catalogue search"),
                            ("service", "service page")):
            r = results[(name, conns)]
            rows.append(f"| {label} | {conns} | {r['rps']:,.0f} | {ms(r['p50'])} | {ms(r['p95'])} | {ms(r['p99'])} "
                        f"| {r['errors']} |")
    for name, label in (("search-nocache", "catalogue search, fragment cache off"),
                        ("service-nocache", "service page, fragment cache off")):
        r = results[(name, 16)]
        rows.append(f"| {label} | 16 | {r['rps']:,.0f} | {ms(r['p50'])} | {ms(r['p95'])} | {ms(r['p99'])} "
                    f"| {r['errors']} |")
    s16, st16 = results[("search", 16)], results[("static", 16)]
    ratio16 = s16["rps"] / st16["rps"]
    ratio64 = results[("search", 64)]["rps"] / results[("static", 64)]["rps"]
    p95_search, p95_service = s16["p95"] / 1000, results[("service", 16)]["p95"] / 1000
    ok_p95 = p95_search <= 100 and p95_service <= 100
    ok_ratio = ratio16 >= 0.25
    tick = {True: "✓ met", False: "✗ not met"}
    import_line = (f"`socplan import-registry` of the national file: {info['t_import']:.0f} s; "
                   if "t_import" in info else "")
    text = f"""# Public catalogue under load

Generated by `python bench/catalogue_load_bench.py` on {date.today().isoformat()}; do not edit by hand, re-run
the benchmark. Machine: {platform.machine()}, {os.cpu_count()} CPU (shared by the server, PostgreSQL and wrk);
{_versions()}. 1-minute load average when the measurements began / ended: {info['load_before']:.1f} /
{info['load_after']:.1f} (it includes every other process on the machine: absolute numbers depend on it,
the static file measured in the same run is the yardstick).

**Data.** A fresh PostgreSQL database: `migrate`, `import-territory` (6,258 obce), the national-size MPSV
registry file of `bench/registry_import_bench.py` (seed 20260831: 6,733 services, 18,907 facility entries,
municipality codes real, kinds and places random) imported with `socplan import-registry`. Stored:
{info['services']:,} services, {info['facilities']:,} facilities; catalogue: {info['entries']:,} entries,
{info['places']:,} places. {import_line}`socplan catalogue-refresh` (all services): {info['t_refresh']:.1f} s.

**Server.** `gunicorn socplan.wsgi -w {args.workers}` (sync workers) on 127.0.0.1, DEBUG=0, static files by
WhiteNoise after `collectstatic`, persistent database connections (`CONN_MAX_AGE=60`).

**Load.** `wrk -t2 -c16|64 -d{args.duration:g}s` on loopback, each scenario after a {args.warmup:g}-s warm-up;
all scenarios in one run against the same server, after a priming pass that requested every URL of the
rotations once ({info['t_prime']:.0f} s, 8 concurrent requests). Search: {n_search} different search pages rotated
(life situation × obec, "near me" with 10/20/50 km, form, full text, page 2); service pages: {n_services}
different services rotated. Latency percentiles as measured by wrk (Lua `done()` hook).

| scenario | clients | requests/s | p50 ms | p95 ms | p99 ms | errors |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
{chr(10).join(rows)}

**Targets.**

| target | measured | |
| --- | ---: | --- |
| p95 ≤ 100 ms at 16 clients (search / service page) | {p95_search:.1f} / {p95_service:.1f} ms | {tick[ok_p95]} |
| search throughput ≥ 25 % of the static file's (16 clients) | {ratio16:.0%} | {tick[ok_ratio]} |
| (same ratio at 64 clients) | {ratio64:.0%} | |

**How.** A search reads the precomputed `CatalogueEntry` table (normalised search text, packed code fields:
one query for a text/filter search, page and total together) and, for a place, `CataloguePlace` (bounding
box in SQL, exact haversine distance in numpy); the public part of each page (inside `<main>`) is rendered once per catalogue version, language and
parameters and kept in a per-worker LRU backed by a shared disk level (`socplan/catalogue/cache.py`); for a
visitor without a session the whole page is cached with a placeholder for the CSRF token, so a repeated page
costs a dictionary lookup and a string replacement. A service page is one query (`CatalogueEntry` joined
with `CatalogueDetail`). The version check is one indexed query at most every 5 s per worker. The rows "fragment cache
off" show the cost of every page rendered from the database.
"""
    OUT.write_text(text, encoding="utf-8")
    print(f"written {OUT}")


if __name__ == "__main__":
    main()
