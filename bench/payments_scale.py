"""`make bench`: "Mes paiements" and the monthly statement at 1 % and 100 % of a large fund.

On PostgreSQL (run it under `scripts/with-postgres`, as `make bench` does):
1. writes the import files of a fund of `--members` members and `--lines`
   payment lines (bench/payments_file.py), and of 1 % of it;
2. imports each into a database of its own with the real commands
   (`assure import_members`, `assure import_payments`), timed;
3. signs in members picked evenly across the payments and measures, in
   process (the server's time, without HTTP), the payments page and the
   statement PDF of a past month, `--requests` times each;
4. reports the medians at both sizes and their ratio (target <= 1.3: the
   pages read one member's rows through an index, whatever the table size).

    scripts/with-postgres .venv/bin/python bench/payments_scale.py

Loading 20 million lines takes a while (see the figures in docs/benchmarks.md).
Against a PostgreSQL server that outlives the run (DATABASE_URL), a database
already loaded is reused: `--load-only` loads, a later run measures.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from sign_in import django_env, record  # noqa: E402

SAMPLE = 40

MEASURE = """
import datetime, json, statistics, time
import django
django.setup()
from django.conf import settings
from django.db.models import Max
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from assure.accounts.models import User
from assure.payments.models import Payment

first, last = Payment.objects.aggregate(a=django.db.models.Min("pk"), b=Max("pk")).values()
picked = [first + (last - first) * k // {sample} for k in range({sample})]
member_ids = set(Payment.objects.filter(pk__in=picked).values_list("member_id", flat=True))
this_month = timezone.localdate().replace(day=1)
pages = []
for member_id in sorted(member_ids):
    user, _ = User.objects.get_or_create(
        member_id=member_id, defaults={{"username": str(member_id), "activated_at": timezone.now()}}
    )
    month = (
        Payment.objects.filter(member_id=member_id, paid_on__lt=this_month)
        .aggregate(m=Max("paid_on"))["m"]
    )
    client = Client()
    client.force_login(user)
    statement = month and reverse("payments:statement", args=[month.year, month.month])
    pages.append((client, statement))

def timed(client, url):
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    return elapsed

payments_url = reverse("payments:index")
for client, statement in pages:  # warm-up
    timed(client, payments_url)
times = {{"payments": [], "statement": []}}
for i in range({requests}):
    client, statement = pages[i % len(pages)]
    times["payments"].append(timed(client, payments_url))
    if statement:
        times["statement"].append(timed(client, statement))
print(json.dumps({{
    name: [statistics.median(values) * 1000, len(values)] for name, values in times.items()
}} | {{"sampled": len(pages)}}))
"""


def fresh_database(server_url, name):
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + "/" + name


def assure(env, *args):
    """Runs `assure ARGS`; returns (seconds, stdout)."""
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "assure.cli", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return time.perf_counter() - start, out


def load(server_url, var_dir, members, lines):
    """Generates and imports one fund size into its own database; returns the figures.

    The figures are kept in the database (table bench_load) so that `--reuse`
    can measure again, later, without loading again.
    """
    name = f"bench_{members}_{lines}"
    url = server_url.rsplit("/", 1)[0] + "/" + name
    try:
        with psycopg.connect(url) as connection:
            [[saved]] = connection.execute("SELECT figures FROM bench_load").fetchall()
            print(f"Reusing database {name}.")
            return url, json.loads(saved)
    except psycopg.Error:
        pass
    files = Path(var_dir) / f"files-{members}"
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "payments_file.py"),
            "--members",
            str(members),
            "--lines",
            str(lines),
            str(files),
        ],
        check=True,
    )
    generated = time.perf_counter() - start
    env = django_env(var_dir)
    env["DATABASE_URL"] = fresh_database(server_url, name)
    assure(env, "migrate", "-v0")
    members_time, _ = assure(env, "import_members", str(files / "members.csv"))
    payments_time, out = assure(env, "import_payments", str(files / "payments.csv"))
    shutil.rmtree(files)
    figures = {
        "members": members,
        "lines": int(re.search(r"(\d+) lines read", out).group(1)),
        "generated": generated,
        "members_import": members_time,
        "payments_import": payments_time,
    }
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
        connection.execute("CREATE TABLE bench_load (figures text)")
        connection.execute("INSERT INTO bench_load VALUES (%s)", [json.dumps(figures)])
    print(figures, flush=True)
    return url, figures


def measure(url, var_dir, requests):
    """Median server times of the payments page and a statement, for sampled members."""
    env = django_env(var_dir)
    env["DATABASE_URL"] = url
    env["ALLOWED_HOSTS"] = "testserver"  # the measuring script's test client
    script = MEASURE.format(sample=SAMPLE, requests=requests)
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.splitlines()[-1])


def combine(runs):
    """The measures of several runs: medians averaged, counts summed."""
    return {
        "sampled": runs[0]["sampled"],
        **{
            name: [sum(run[name][0] for run in runs) / len(runs), sum(run[name][1] for run in runs)]
            for name in ("payments", "statement")
        },
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=20_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument(
        "--load-only",
        action="store_true",
        help="generate and import, measure later (a database already loaded is reused)",
    )
    args = parser.parse_args()
    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith("postgres"):
        sys.exit("Run under PostgreSQL: scripts/with-postgres .venv/bin/python " + sys.argv[0])

    with tempfile.TemporaryDirectory() as var_dir:
        sizes = [(args.members // 100, args.lines // 100), (args.members, args.lines)]
        loaded = [load(server_url, var_dir, members, lines) for members, lines in sizes]
        if args.load_only:
            return
        # Measured one after the other, twice, alternating: the same machine for both.
        runs = [measure(url, var_dir, args.requests // 2) for _ in range(2) for url, _ in loaded]
    small = {**loaded[0][1], **combine(runs[0::2])}
    large = {**loaded[1][1], **combine(runs[1::2])}

    lines = [
        f"PostgreSQL; server time in process (Django test client: middleware, session, "
        f"queries, template or PDF), median of {args.requests} requests spread over "
        f"{large['sampled']} members picked evenly across the payments.",
        "",
        "| | 1 % | 100 % | ratio (target <= 1.3) |",
        "|---|---|---|---|",
        f"| members / payment lines | {small['members']:,} / {small['lines']:,} | "
        f"{large['members']:,} / {large['lines']:,} | |",
    ]
    ratios = []
    for name, label in (("payments", "`/mes-paiements/`"), ("statement", "statement PDF")):
        ratio = large[name][0] / small[name][0]
        ratios.append(ratio)
        lines.append(
            f"| {label} | {small[name][0]:.1f} ms | {large[name][0]:.1f} ms | **{ratio:.2f}** |"
        )
    lines += [
        "",
        f"Loading the large fund: files written in {large['generated']:.0f} s; "
        f"`import_members` {large['members_import']:.0f} s "
        f"({large['members'] / large['members_import']:,.0f} lines/s); "
        f"`import_payments` {large['payments_import']:.0f} s "
        f"({large['lines'] / large['payments_import']:,.0f} lines/s).",
    ]
    print("\n".join(lines))
    if not args.no_write:
        record("Payments at scale: 1 % vs 100 % (PostgreSQL)", lines)
    if max(ratios) > 1.3:
        print("Above the target of 1.3.")


if __name__ == "__main__":
    main()
