"""`make bench`: build the benchmark city at scale S and measure it, on PostgreSQL and SQLite.

Each section runs in its own process (`manage.py bench SECTION`) and prints one
JSON line; this script gathers them and prints ONE JSON object as its last line.
See docs/benchmarks.md for how to read it.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TARGETS = {
    "engine_over_scan_max": 3,
    "write_ratio_min": 0.5,
    "write_p99_ms_max": 100,
    "page_queries_max": 15,
    "page_median_ms_max": 200,
    "import_rows_per_s_min": 2000,
    "engine_peak_mb_max": 500,
}


def manage(env, *args) -> dict | None:
    started = time.perf_counter()
    out = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    print(f"  {' '.join(args)}: {time.perf_counter() - started:.1f}s", file=sys.stderr, flush=True)
    return json.loads(lines[-1]) if lines else None


def measure(url: str, small_url: str, scale: float, small: float, clone) -> dict:
    base = {**os.environ, "ZHUCUN_DEBUG": "true", "DATABASE_URL": url}
    manage(base, "bench", "schema")
    clone()  # the small city's database starts as a copy of the migrated empty one
    build = manage(base, "bench", "build", "--scale", str(scale))
    # The engine alone in its process (its peak memory is the engine's); the other
    # sections share one, as do the small city's build and pages (fewer start-ups).
    engine = manage(base, "bench", "engine")
    rest = manage(base, "bench", "pages", "import", "write", "--scale", str(scale))
    pages, roster, write = rest["pages"], rest["import"], rest["write"]
    small_env = {**base, "DATABASE_URL": small_url}
    small_pages = manage(small_env, "bench", "build", "pages", "--scale", str(small))["pages"]
    database = pages.pop("database")
    small_pages.pop("database")
    # Times and counts beside the pages (refresh_boards_s, the county export's job figures)
    figures_not_pages = {k: v for k, v in pages.items() if not isinstance(v, dict)}
    for name in figures_not_pages:
        pages.pop(name)
        small_pages.pop(name, None)
    for name, figures in pages.items():
        figures["queries_small_scale"] = small_pages[name]["queries"]
    pages.update(figures_not_pages)
    for section in (build, engine, roster, write):
        section.pop("database", None)
    return {
        "database": database,
        "build": build,
        "engine": engine,
        "write": write,
        "pages": pages,
        "import": roster,
    }


def judge(result: dict) -> dict:
    """Each target of issue 8: met (true) or missed (false), per database."""
    verdicts = {}
    for db in ("postgresql", "sqlite"):
        r = result[db]
        pages = [p for p in r["pages"].values() if isinstance(p, dict)]
        verdicts[db] = {
            "engine_over_scan": r["engine"]["engine_over_scan"] <= TARGETS["engine_over_scan_max"],
            "write_ratio": (r["write"]["ratio"] or 0) >= TARGETS["write_ratio_min"],
            "write_p99": (r["write"]["checkins_and_logs"]["p99_ms"] or 1e9)
            <= TARGETS["write_p99_ms_max"],
            "page_queries": all(
                p["queries"] <= TARGETS["page_queries_max"]
                and p["queries"] == p["queries_small_scale"]
                for p in pages
            ),
            "page_median": all(p["median_ms"] <= TARGETS["page_median_ms_max"] for p in pages),
            "import_rows_per_s": r["import"]["rows_per_s"] >= TARGETS["import_rows_per_s_min"],
            "engine_peak_mb": r["engine"]["peak_mb"] <= TARGETS["engine_peak_mb_max"],
        }
    return verdicts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    scale = args.scale
    small = round(scale / 10, 4)
    started = time.perf_counter()
    result = {"scale": scale, "small_scale": small, "cpus": os.cpu_count()}

    print("== PostgreSQL (throwaway cluster) ==", file=sys.stderr, flush=True)
    start = subprocess.run(
        [str(ROOT / "scripts/pg-throwaway"), "start"], check=True, capture_output=True, text=True
    ).stdout
    env = dict(line.removeprefix("export ").split("=", 1) for line in start.split("\n") if line)
    pg_dir, pg_url = env["PGTHROWAWAY_DIR"], env["PGTHROWAWAY_URL"]
    try:
        import psycopg

        host = pg_url.split("host=")[1]
        admin = psycopg.connect(host=host, user="postgres", dbname="postgres", autocommit=True)
        admin.execute("CREATE DATABASE zhucun")

        def clone():
            admin.execute("CREATE DATABASE zhucun_small TEMPLATE zhucun")

        small_url = pg_url.replace("/zhucun?", "/zhucun_small?")
        result["postgresql"] = measure(pg_url, small_url, scale, small, clone)
        admin.close()
    finally:
        subprocess.run([str(ROOT / "scripts/pg-throwaway"), "stop", pg_dir], check=False)

    print("== SQLite ==", file=sys.stderr, flush=True)
    tmp = tempfile.mkdtemp(prefix="zhucun-bench-")
    try:
        big, small_db = f"{tmp}/bench.sqlite3", f"{tmp}/small.sqlite3"
        result["sqlite"] = measure(
            f"sqlite:///{big}",
            f"sqlite:///{small_db}",
            scale,
            small,
            lambda: shutil.copyfile(big, small_db),
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    result["targets"] = TARGETS
    result["met"] = judge(result)
    result["total_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
