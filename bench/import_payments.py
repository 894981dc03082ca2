"""`make bench`: `assure import_payments` speed and memory at two file sizes.

Writes the files of a fictitious fund (bench/payments_file.py: one member for
20 payment lines), imports the members, then times a real `assure
import_payments` of the payments file into an empty database (every payment
new), then of the same file again (every payment unchanged). Peak memory
(max RSS) must stay flat from the small file to the large one.

On SQLite, then on PostgreSQL when it is installed (the script runs itself
again under scripts/with-postgres, one fresh database per size).

    python bench/import_payments.py [--sizes 10000 100000] [--no-postgres]
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from import_members import timed  # noqa: E402
from sign_in import django_env, record  # noqa: E402

LINES_PER_MEMBER = 20


def fresh_database(server_url, name):
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + "/" + name


def one_size(size, server_url):
    """Imports a file of `size` lines twice; returns the line of the report."""
    with tempfile.TemporaryDirectory() as var_dir:
        env = django_env(var_dir)
        if server_url:
            env["DATABASE_URL"] = fresh_database(server_url, f"bench_payments_{size}")
        else:
            env.pop("DATABASE_URL", None)
        files = Path(var_dir) / "files"
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "payments_file.py"),
                f"--members={max(size // LINES_PER_MEMBER, 100)}",
                f"--lines={size}",
                str(files),
            ],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run([sys.executable, "-m", "assure.cli", "migrate", "-v0"], env=env, check=True)
        timed(env, "import_members", str(files / "members.csv"))
        first, first_rss, out = timed(env, "import_payments", str(files / "payments.csv"))
        read = int(re.search(r"(\d+) lines read", out).group(1))
        created = int(re.search(r"(\d+) created", out).group(1))
        again, again_rss, out = timed(env, "import_payments", str(files / "payments.csv"))
        unchanged = int(re.search(r"(\d+) unchanged", out).group(1))
    database = "PostgreSQL" if server_url else "SQLite"
    return (
        f"- {read:,} payment lines, {created:,} payments ({database}): first import {first:.1f} s "
        f"(**{read / first:,.0f} lines/s**, peak {first_rss:.0f} MiB); re-import {again:.1f} s "
        f"({read / again:,.0f} lines/s, {unchanged:,} payments unchanged, "
        f"peak {again_rss:.0f} MiB)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    server_url = os.environ.get("DATABASE_URL", "")
    if server_url.startswith("postgres"):  # under scripts/with-postgres: this database only
        for size in args.sizes:
            print(one_size(size, server_url), flush=True)
        return
    lines = []
    for size in args.sizes:
        lines.append(one_size(size, ""))
        print(lines[-1], flush=True)
    if not args.no_postgres and list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        out = subprocess.run(
            [
                str(ROOT / "scripts" / "with-postgres"),
                sys.executable,
                __file__,
                "--sizes",
                *map(str, args.sizes),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for line in out.splitlines():
            if line.startswith("- "):
                lines.append(line)
                print(line, flush=True)
    lines.append(
        "\nTimes include the command's start (about 0.5 s). One member for 20 lines; "
        "about 1.5 lines a payment."
    )
    if not args.no_write:
        record("Payment import (`assure import_payments`)", lines)


if __name__ == "__main__":
    main()
