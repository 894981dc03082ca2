"""`make bench`: "Trouver un médecin" at 500,000 practice places across France, against 5,000.

For each size, into a fresh database:
1. the files (bench/directory_file.py: some 31,000 communes crowded as France
   is, an RPPS file of N lines, a fees file), written once into --files and
   reused;
2. `assure import_communes`, then `assure import_directory` timed (lines/s,
   peak memory: max RSS of the command), `assure import_fees`, and the RPPS
   file again (every line unchanged);
3. searches as the page makes them, timed one by one in one process: the
   postcode to a commune's centre (`Commune.objects.locate`), the 20
   nearest places of one kind within 20 km (`PracticePlace.objects.near`),
   their sectors and fees (`Convention.objects.attach_to`). The postcodes
   are drawn in proportion to the communes' populations (members search
   where they live), the kinds in proportion to what members look for;
   the same searches at both sizes, after a warm-up round.

Targets (issue 4 §3): median ≤ 20 ms and p99 ≤ 50 ms at 500,000 places; at
5,000 not less than 1/1.3 of that (the work follows the places near the
point, not the table's size); import ≥ 20,000 lines/s in constant memory.

On SQLite, or on PostgreSQL when run under scripts/with-postgres (a fresh
database per size on that server):

    python bench/directory_search.py [--places 500000] [--small 5000] [--searches 2000]
    scripts/with-postgres python bench/directory_search.py
"""

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from import_members import timed  # noqa: E402
from import_payments import fresh_database  # noqa: E402
from sign_in import django_env, record  # noqa: E402

# What members look for, and how often (a search is for one kind).
KINDS = [
    ("Médecin généraliste", 50),
    ("Chirurgien-dentiste", 10),
    ("Masseur-kinésithérapeute", 10),
    ("Infirmier", 10),
    ("Pédiatre", 8),
    ("Ophtalmologiste", 7),
    ("Psychiatre", 5),
]
RADIUS_KM = 20
WARM_UP = 200


def files(directory, places):
    """(communes, RPPS, fees) files for `places` lines, written unless already there."""
    directory.mkdir(parents=True, exist_ok=True)
    communes = directory / "communes.csv"
    rpps = directory / f"rpps-{places}.txt"
    fees = directory / f"fees-{places}.csv"
    if not (communes.exists() and rpps.exists() and fees.exists()):
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "directory_file.py"),
                str(places),
                str(rpps),
                f"--communes={communes}",
                f"--fees={fees}",
            ],
            check=True,
        )
    return communes, rpps, fees


def one_size(places, paths, searches, server_url):
    """Imports the files into a fresh database and measures the searches; a dict of figures."""
    communes, rpps, fees = paths
    with tempfile.TemporaryDirectory() as var_dir:
        env = django_env(var_dir)
        if server_url:
            env["DATABASE_URL"] = fresh_database(server_url, f"bench_directory_{places}")
        else:
            env.pop("DATABASE_URL", None)
        subprocess.run([sys.executable, "-m", "assure.cli", "migrate", "-v0"], env=env, check=True)
        timed(env, "import_communes", str(communes))
        seconds, rss, out = timed(env, "import_directory", str(rpps))
        read = int(re.search(r"(\d+) lines read", out).group(1))
        created = int(re.search(r"(\d+) created", out).group(1))
        fee_seconds, _, fee_out = timed(env, "import_fees", str(fees))
        fee_lines = int(re.search(r"(\d+) lines read", fee_out).group(1))
        again, again_rss, again_out = timed(env, "import_directory", str(rpps))
        unchanged = int(re.search(r"(\d+) unchanged", again_out).group(1))
        measured = subprocess.run(
            [sys.executable, __file__, "--measure", f"--searches={searches}"],
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
    return {
        "places": places,
        "read": read,
        "created": created,
        "seconds": seconds,
        "rss": rss,
        "fee_lines": fee_lines,
        "fee_seconds": fee_seconds,
        "again": again,
        "again_rss": again_rss,
        "unchanged": unchanged,
        **json.loads(measured.splitlines()[-1]),
    }


def measure(count):
    """Runs in the database of the environment: times `count` searches; prints JSON."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from directory_file import bench_communes
    from django.test import Client

    from assure.directory.models import Convention, PracticePlace
    from assure.geography.models import Commune

    rng = random.Random(2026)
    communes = bench_communes()
    postcodes = rng.choices(
        [postcodes[0] for _, _, postcodes, *_ in communes],
        [commune[5] for commune in communes],
        k=WARM_UP + count,
    )
    kinds = rng.choices(
        [kind for kind, _ in KINDS], [weight for _, weight in KINDS], k=len(postcodes)
    )

    def search(postcode, kind):
        commune = Commune.objects.locate(postcode)[0]
        return Convention.objects.attach_to(
            PracticePlace.objects.near(kind, commune.latitude, commune.longitude, RADIUS_KM)
        )

    for postcode, kind in zip(postcodes[:WARM_UP], kinds[:WARM_UP], strict=True):
        search(postcode, kind)
    times, found = [], []
    for postcode, kind in zip(postcodes[WARM_UP:], kinds[WARM_UP:], strict=True):
        start = time.perf_counter()
        places = search(postcode, kind)
        times.append((time.perf_counter() - start) * 1000)
        found.append(len(places))
    times.sort()
    # The page itself (middleware, form, queries, template), as a visitor asks for it.
    client = Client(HTTP_HOST="localhost")
    pages = []
    for n, (postcode, kind) in enumerate(zip(postcodes, kinds, strict=True)):
        query = {"profession": kind, "location": postcode, "radius": RADIUS_KM}
        start = time.perf_counter()
        response = client.get("/trouver-un-medecin/", query)
        if n >= WARM_UP:
            pages.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200 and b"govuk-error-summary" not in response.content
    pages.sort()
    print(
        json.dumps(
            {
                "page_median": statistics.median(pages),
                "page_p99": pages[min(len(pages) - 1, round(len(pages) * 0.99))],
                "searches": count,
                "postcodes": len(set(postcodes[WARM_UP:])),
                "median": statistics.median(times),
                "p99": times[min(len(times) - 1, round(len(times) * 0.99))],
                "max": times[-1],
                "full": sum(1 for n in found if n == 20) / count,
                "kinds": len(PracticePlace.objects.kinds()),
            }
        )
    )


def report_lines(database, results):
    lines = []
    for r in results:
        lines.append(
            f"- {r['places']:,} lines ({database}): import {r['seconds']:.1f} s "
            f"(**{r['read'] / r['seconds']:,.0f} lines/s**, {r['created']:,} places, peak "
            f"{r['rss']:.0f} MiB); re-import {r['again']:.1f} s ({r['read'] / r['again']:,.0f} "
            f"lines/s, {r['unchanged']:,} unchanged, peak {r['again_rss']:.0f} MiB); fees "
            f"{r['fee_lines']:,} lines in {r['fee_seconds']:.1f} s; search: **median "
            f"{r['median']:.2f} ms, p99 {r['p99']:.2f} ms** (max {r['max']:.1f} ms; "
            f"{r['searches']:,} searches, {r['postcodes']:,} postcodes, {r['full']:.0%} with 20 "
            f"places found); the page `/trouver-un-medecin/`: **median {r['page_median']:.2f} ms, "
            f"p99 {r['page_p99']:.2f} ms**"
        )
    if len(results) == 2:
        big, small = results
        lines.append(
            f"- Scaling ({database}): median at {big['places']:,} / at {small['places']:,} = "
            f"**{big['median'] / small['median']:.2f}** (target ≤ 1.3), p99 "
            f"{big['p99'] / small['p99']:.2f}; the page: median "
            f"{big['page_median'] / small['page_median']:.2f}"
        )
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, default=500_000, help="lines of the big file")
    parser.add_argument(
        "--small", type=int, default=5_000, help="lines of the small file (0: none)"
    )
    parser.add_argument("--searches", type=int, default=2_000)
    parser.add_argument("--files", default=str(ROOT / "var" / "bench-directory"))
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.searches)
        return
    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith("postgres"):
        server_url = ""
    database = "PostgreSQL" if server_url else "SQLite"
    results = []
    for places in [args.places, args.small] if args.small else [args.places]:
        paths = files(Path(args.files), places)
        results.append(one_size(places, paths, args.searches, server_url))
        print(report_lines(database, results[-1:])[0], flush=True)
    lines = report_lines(database, results)
    if len(results) == 2:
        print(lines[-1])
    if server_url:
        lines.append(
            "\nRun as `scripts/with-postgres .venv/bin/python bench/directory_search.py` "
            "(a throwaway PostgreSQL cluster, as the tests use)."
        )
    else:
        lines.append(
            "\nThe SQLite import's peak includes the page cache it gives its connection while "
            "it runs (64 MB at most, `_SQLiteCache` in assure/directory/importing.py), which a "
            "5,000-line file does not fill: memory is bounded by it, not by the file's size."
        )
    lines.append(
        "\nImport times include the command's start (about 0.5 s). Files from "
        "bench/directory_file.py: about 31,000 communes over metropolitan France (the demo's "
        "real towns, invented suburbs around them, invented rural communes), places in "
        "proportion to their populations. A search = `Commune.objects.locate(postcode)` + "
        f"`PracticePlace.objects.near(kind, latitude, longitude, {RADIUS_KM})` (20 nearest) + "
        "`Convention.objects.attach_to`, postcodes drawn by population, kinds by how often "
        "members look for them, in one process after the imports (which end with `ANALYZE`) "
        f"and {WARM_UP} warm-up searches. The page is then asked for the same searches "
        "through Django's test client: middleware, form, queries and template, server "
        "side only."
    )
    if not args.no_write:
        record(f"Directory: import and search ({database})", lines)


if __name__ == "__main__":
    main()
