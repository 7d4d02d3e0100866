"""Check the last line of `make bench`: one JSON object with every section's figures for
both databases (the smoke run in `make test`; the figures themselves are not judged)."""

import json
import sys

SECTIONS = {
    "build": ("seconds", "rows"),
    "engine": (
        "engine_over_scan",
        "attendance_s",
        "contact_compliance_s",
        "assessment_s",
        "peak_mb",
    ),
    "write": ("ratio", "minimal", "checkins_and_logs"),
    "import": ("rows_per_s",),
}


def main() -> int:
    line = sys.stdin.read().strip()
    result = json.loads(line)
    missing = []
    for db in ("postgresql", "sqlite"):
        for section, keys in SECTIONS.items():
            figures = result.get(db, {}).get(section, {})
            missing += [f"{db}.{section}.{key}" for key in keys if figures.get(key) is None]
        pages = dict(result.get(db, {}).get("pages", {}))
        if not pages:
            missing.append(f"{db}.pages")
        for figure in (
            "refresh_boards_s",
            "county_export_job_s",
            "county_export_job_cpu_s",
            "county_export_rows",
            "county_export_rows_per_s",
        ):
            if pages.pop(figure, None) is None:
                missing.append(f"{db}.pages.{figure}")
        for name, page in pages.items():
            if page.get("queries") != page.get("queries_small_scale"):
                print(
                    f"note: {db} {name}: {page.get('queries')} queries at S, "
                    f"{page.get('queries_small_scale')} at S/10"
                )
        for run in ("minimal", "checkins_and_logs"):
            figures = result.get(db, {}).get("write", {}).get(run) or {}
            if not figures.get("rps"):
                missing.append(f"{db}.write.{run}: no request succeeded ({figures})")
    missing += [key for key in ("met", "targets", "total_s") if key not in result]
    if missing:
        print("make bench is missing figures: " + ", ".join(missing))
        return 1
    print(
        f"make bench S={result['scale']}: every figure present ({result['total_s']} s); met: "
        + json.dumps(result["met"], ensure_ascii=False)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
