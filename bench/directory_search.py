"""`make bench`: "Trouver un médecin" at 500,000 practice places across France, against 5,000.

For each size, into a fresh database:
1. the files (bench/directory_file.py: some 31,000 communes crowded as France
   is, an RPPS file of N lines, a fees file), written once into --files and
   reused;
2. `assure import_communes`, then `assure import_directory` timed (lines/s,
   peak memory: max RSS of the command), `assure import_fees`, and the RPPS
   file again (every line unchanged);
3. then, both databases loaded, searches as the page makes them, timed one
   by one in one process: the postcode to a commune's centre
   (`Commune.objects.locate`), the 20 nearest places of one kind within
   20 km (`PracticePlace.objects.near`), their sectors and fees
   (`Convention.objects.attach_to`); then the page itself. The postcodes
   are drawn in proportion to the communes' populations (members search
   where they live), the kinds in proportion to what members look for.
   Each search is made at both sizes in a row, each size first in turn,
   after a warm-up round: a machine whose speed drifts during the run (this
   one's did by half) weighs on both sizes alike, and the ratio compares
   the work, not the moments.

Targets (issue 4 §3): median ≤ 20 ms and p99 ≤ 50 ms at 500,000 places; at
5,000 not less than 1/1.3 of that (the work follows the places near the
point, not the table's size); import ≥ 20,000 lines/s in constant memory.

On SQLite, or on PostgreSQL when run under scripts/with-postgres (a fresh
database per size on that server):

    python bench/directory_search.py [--places 500000] [--small 5000] [--searches 2000]
    scripts/with-postgres python bench/directory_search.py
"""

import argparse
import contextlib
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


def load(places, paths, server_url, stack):
    """Imports the files into a fresh database (kept until ``stack`` closes);
    (the environment that uses it, a dict of the import's figures)."""
    communes, rpps, fees = paths
    var_dir = stack.enter_context(tempfile.TemporaryDirectory())
    env = django_env(var_dir)
    if server_url:
        env["DATABASE_URL"] = fresh_database(server_url, f"bench_directory_{places}")
    else:
        env["DATABASE_URL"] = f"sqlite:///{var_dir}/assure.sqlite3"
    subprocess.run([sys.executable, "-m", "assure.cli", "migrate", "-v0"], env=env, check=True)
    timed(env, "import_communes", str(communes))
    seconds, rss, out = timed(env, "import_directory", str(rpps))
    read = int(re.search(r"(\d+) lines read", out).group(1))
    created = int(re.search(r"(\d+) created", out).group(1))
    fee_seconds, _, fee_out = timed(env, "import_fees", str(fees))
    fee_lines = int(re.search(r"(\d+) lines read", fee_out).group(1))
    again, again_rss, again_out = timed(env, "import_directory", str(rpps))
    unchanged = int(re.search(r"(\d+) unchanged", again_out).group(1))
    return env, {
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
    }


def measure_all(envs, searches):
    """The searches and pages at each size, measured in one process that
    alternates between the databases (a machine that slows down or speeds up
    during the run then weighs on every size alike); a dict per size."""
    env = dict(envs[0])
    env["BENCH_DATABASES"] = json.dumps([size_env["DATABASE_URL"] for size_env in envs])
    out = subprocess.run(
        [sys.executable, __file__, "--measure", f"--searches={searches}"],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return json.loads(out.splitlines()[-1])


class SizeRouter:
    """Sends every query to the database of the size being measured (``measure``)."""

    alias = "default"

    def db_for_read(self, model, **hints):
        return self.alias

    db_for_write = db_for_read


def measure(count):
    """Times `count` searches, then pages, in each database of BENCH_DATABASES
    (URLs), one after the other for each search; prints a JSON list of figures."""
    import dj_database_url
    import django
    from django.conf import settings

    sys.path.insert(0, str(ROOT))
    urls = json.loads(os.environ["BENCH_DATABASES"])
    aliases = ["default", *(f"size{n}" for n in range(1, len(urls)))]
    for alias, url in zip(aliases[1:], urls[1:], strict=True):
        where = dj_database_url.parse(url)
        settings.DATABASES[alias] = {
            **settings.DATABASES["default"],  # the same settings, another database
            **{key: where[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")},
        }
    settings.DATABASE_ROUTERS = [f"{__name__}.SizeRouter"]
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

    def page(postcode, kind):
        query = {"profession": kind, "location": postcode, "radius": RADIUS_KM}
        response = client.get("/trouver-un-medecin/", query)
        assert response.status_code == 200 and b"govuk-error-summary" not in response.content

    def each_size(step, n, postcode, kind):
        """[(milliseconds, result)] of ``step`` at each size, the n-th time starting
        with the (n mod sizes)-th size (the first of a pair may find the machine in
        another state)."""
        timed = {}
        for alias in aliases[n % len(aliases) :] + aliases[: n % len(aliases)]:
            SizeRouter.alias = alias
            start = time.perf_counter()
            result = step(postcode, kind)
            timed[alias] = ((time.perf_counter() - start) * 1000, result)
        return [timed[alias] for alias in aliases]

    # The page itself (middleware, form, queries, template), as a visitor asks for it.
    client = Client(HTTP_HOST="localhost")
    times, found, pages = ([[] for _ in aliases] for _ in range(3))
    for n, (postcode, kind) in enumerate(zip(postcodes, kinds, strict=True)):
        for index, (milliseconds, places) in enumerate(each_size(search, n, postcode, kind)):
            if n >= WARM_UP:
                times[index].append(milliseconds)
                found[index].append(len(places))
    for n, (postcode, kind) in enumerate(zip(postcodes, kinds, strict=True)):
        for index, (milliseconds, _) in enumerate(each_size(page, n, postcode, kind)):
            if n >= WARM_UP:
                pages[index].append(milliseconds)
    figures = []
    for index, alias in enumerate(aliases):
        SizeRouter.alias = alias
        figures.append(
            {
                **percentiles(times[index]),
                **{f"page_{key}": value for key, value in percentiles(pages[index]).items()},
                "searches": count,
                "postcodes": len(set(postcodes[WARM_UP:])),
                "full": sum(1 for n in found[index] if n == 20) / count,
                "kinds": len(PracticePlace.objects.kinds()),
            }
        )
    print(json.dumps(figures))


def percentiles(milliseconds):
    ordered = sorted(milliseconds)
    return {
        "median": statistics.median(ordered),
        "p99": ordered[min(len(ordered) - 1, round(len(ordered) * 0.99))],
        "max": ordered[-1],
    }


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
    results, envs = [], []
    with contextlib.ExitStack() as stack:
        for places in [args.places, args.small] if args.small else [args.places]:
            env, figures = load(places, files(Path(args.files), places), server_url, stack)
            envs.append(env)
            results.append(figures)
            print(f"{places:,} lines imported", flush=True)
        for figures, measured in zip(results, measure_all(envs, args.searches), strict=True):
            figures.update(measured)
    lines = report_lines(database, results)
    print("\n".join(lines[: len(results)]))
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
            "it runs (64 MB at most, `larger_sqlite_cache` in assure/lib/bulk.py), which a "
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
        f"and {WARM_UP} warm-up searches, each search at both sizes in a row (each size "
        "first in turn), so that the machine's drift weighs on both alike. The page is then "
        "asked for the same searches, the same way, through Django's test client: "
        "middleware, form, queries and template, server side only."
    )
    if not args.no_write:
        record(f"Directory: import and search ({database})", lines)


if __name__ == "__main__":
    main()
