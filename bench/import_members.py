"""`make bench`: `assure import_members` speed and memory at two file sizes.

Generates files of fictitious members (bench/members_file.py), imports each
into a fresh SQLite database (or DATABASE_URL's server) with a real
`assure import_members`, then imports the same file again (nothing changes).
Peak memory (max RSS) must stay flat from the small file to the large one.

    python bench/import_members.py [--sizes 10000 100000]
"""

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from sign_in import django_env, record  # noqa: E402


def timed(env, *args):
    """Runs `assure ARGS`; returns (seconds, peak RSS in MiB, stdout)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "assure.cli", *args], env=env, stdout=subprocess.PIPE, text=True
    )
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    if status:
        raise SystemExit(f"assure {shlex.join(args)} failed")
    return time.perf_counter() - start, usage.ru_maxrss / 1024, out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    lines = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as var_dir:
            env = django_env(var_dir)
            env.pop("DATABASE_URL", None)
            path = Path(var_dir) / "members.csv"
            subprocess.run(
                [sys.executable, str(ROOT / "bench" / "members_file.py"), str(size), str(path)],
                env=env,
                check=True,
            )
            subprocess.run(
                [sys.executable, "-m", "assure.cli", "migrate", "-v0"], env=env, check=True
            )
            first, first_rss, out = timed(env, "import_members", str(path))
            created = int(re.search(r"(\d+) created", out).group(1))
            again, again_rss, out = timed(env, "import_members", str(path))
            unchanged = int(re.search(r"(\d+) unchanged", out).group(1))
        lines.append(
            f"- {created:,} members (SQLite): first import {first:.1f} s "
            f"({created / first:,.0f} lines/s, peak {first_rss:.0f} MiB); "
            f"re-import {again:.1f} s ({unchanged / again:,.0f} lines/s, {unchanged:,} unchanged, "
            f"peak {again_rss:.0f} MiB)"
        )
        print(lines[-1])
    if not args.no_write:
        record("Member import (`assure import_members`)", lines)


if __name__ == "__main__":
    main()
