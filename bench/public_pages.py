"""`make bench`: the pages every visitor hits first, against a bare Django project.

In one run, over real HTTP on 127.0.0.1, with the same gunicorn (same
configuration, same number of workers) for both:
1. the floor: bench/bare_django.py, a bare Django project with the middleware
   classes the portal takes from Django and one small template with a form;
2. the portal's public pages, as anonymous visitors without cookies ask for
   them: the public home, the sign-in page, « Je demande un code » and the
   form of « Trouver un médecin » (a directory of 5,000 places imported);
3. the member pages of bench/member_pages.py, signed in, so that the portal's
   fixed cost per request is visible against the same floor.
Each page is measured between two measures of the floor (bench/member_pages.py
`Measures`). Target: every public page >= 0.6 of the floor; the member pages
are reported. Written to docs/benchmarks.md.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from directory_search import files  # noqa: E402
from member_pages import MEMBERS, Measures, page_rate, prepare  # noqa: E402
from member_pages import PAGES as MEMBER_PAGES  # noqa: E402
from sign_in import database_name, django_env, record, serving  # noqa: E402

from tests.processes import wait_until_answering  # noqa: E402

PLACES = 5000
FLOOR = "bare Django page (floor)"
PUBLIC_PAGES = {
    "public home": "/",
    "sign-in": "/connexion/",
    "« Je demande un code »": "/demande-de-code/",
    "« Trouver un médecin »": "/trouver-un-medecin/",
}
TARGET = 0.6


@contextmanager
def bare_django(var_dir, workers):
    """bench/bare_django.py under gunicorn as `assure serve` runs it; yields its port."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=128)
    port = listener.getsockname()[1]
    argv = [sys.executable, "-m", "gunicorn", "bare_django:application"]
    argv += ["--config", "python:assure.portal.gunicorn_config", "--chdir", str(ROOT / "bench")]
    argv += ["--bind", f"fd://{listener.fileno()}", "--workers", str(workers)]
    env = {**os.environ, "ASSURE_VAR_DIR": str(var_dir), "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        argv,
        env=env,
        pass_fds=[listener.fileno()],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    listener.close()
    try:
        wait_until_answering(f"http://127.0.0.1:{port}", server)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=60)


def import_directory(env, folder):
    """The communes of France and a directory of PLACES places (bench/directory_file.py)."""
    communes, rpps, fees = files(Path(folder) / "files", PLACES)
    for command, path in [
        ("import_communes", communes),
        ("import_directory", rpps),
        ("import_fees", fees),
    ]:
        subprocess.run(
            [sys.executable, "-m", "assure.cli", command, str(path)],
            env=env,
            check=True,
            capture_output=True,
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1, help="each measure")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()

    measures = Measures(args.clients, args.seconds)
    with tempfile.TemporaryDirectory() as var_dir:
        env = django_env(var_dir)
        cookies = prepare(env)
        import_directory(env, var_dir)
        with serving(env, args.workers) as port, bare_django(var_dir, args.workers) as bare:
            floor = (FLOOR, bare, "/", [None])
            pages = [(name, port, path, [None]) for name, path in PUBLIC_PAGES.items()]
            pages += [(name, port, path, cookies) for name, path in MEMBER_PAGES.items()]
            for _, page_port, path, page_cookies in [floor, *pages]:  # warm-up
                page_rate(page_port, path, page_cookies, args.clients, 1)
            for _ in range(args.rounds):
                measures.round(floor, pages)

    database = database_name()
    public, lowest = measures.table({FLOOR: "/", **PUBLIC_PAGES})
    member, _ = measures.table(MEMBER_PAGES)
    lines = [
        f"Both served by gunicorn ({args.workers} workers, `assure serve`'s configuration), "
        f"{args.clients} concurrent connections, {database}. The floor is bench/bare_django.py: "
        "Django's own middleware classes as the portal uses them, one small template with a "
        "form of two fields written in it, and its CSRF token. Public pages are asked for "
        f"without cookies (a directory of {PLACES:,} places imported); member pages by "
        f"{MEMBERS} signed-in members (bench/member_pages.py's data). {args.rounds} rounds, "
        "each measuring the floor, then every page followed by the floor again, "
        f"{args.seconds:g} s each; a "
        "page's ratio is the median over the rounds of its rate to the mean of the floor's "
        "just before and just after it.",
        "",
        *public,
        "",
        f"Lowest public ratio: **{lowest:.2f}** (target >= {TARGET}); {measures.errors} errors.",
        "",
        "The member pages against the same floor (the portal's fixed cost per request: "
        "session, member, layout):",
        "",
        *member,
    ]
    print("\n".join(lines))
    if not args.no_write:
        record(f"Public pages vs a bare Django project ({database})", lines)
    if measures.errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
