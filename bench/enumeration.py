"""`make bench`: do answers take the same time whatever the NIR?

Through `assure serve` (one worker, one client, requests interleaved), the
median time of:
- a wrong sign-in for an unknown NIR, a member without an account, a member
  with an account;
- a forgotten-code request for the same three, plus a member without e-mail;
- a first-code request whose identity does not match, for an unknown NIR and
  for a known one.
The spread of medians inside each group is what an attacker could read.

    python bench/enumeration.py [--rounds 60]
"""

import argparse
import datetime
import random
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from sign_in import csrf, django_env, record, serving  # noqa: E402

SETUP = """
import django, datetime, json
django.setup()
from assure.accounts.models import User
from assure.demo.members import fictitious_members
from assure.members.models import Member
members = []
seen = set()
for m in fictitious_members(count=400, seed=5):
    if m.nir not in seen:
        seen.add(m.nir)
        members.append(m)
Member.objects.bulk_create(members)
members = list(Member.objects.order_by("pk"))
with_account = members[:60]
for m in with_account:
    user = User(member=m, username=m.nir)
    user.set_password("Bench9marque-de-velo")
    user.save()
no_account = [m for m in members[60:] if m.email][:60]
no_email = [m for m in members[60:] if not m.email][:60]
def row(m):
    return [m.nir, m.birth_date.isoformat(), m.last_name, m.first_name, m.postcode]
print(json.dumps({"with_account": [row(m) for m in with_account],
                  "no_account": [row(m) for m in no_account],
                  "no_email": [row(m) for m in no_email]}))
"""


def unknown_nirs(count, known):
    from assure.lib.nir import build_nir

    rng = random.Random(3)
    nirs = []
    while len(nirs) < count:
        nir = build_nir(
            rng.choice([1, 2]),
            rng.randint(40, 99),
            rng.randint(1, 12),
            "75",
            101,
            rng.randint(1, 999),
        )
        if nir not in known:
            nirs.append(nir)
    return nirs


def post(port, cookie, token, path, data):
    body = urlencode({"csrfmiddlewaretoken": token, **data}).encode()
    request = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
        f"Referer: http://127.0.0.1:{port}{path}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    start = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        while sock.recv(65536):
            pass
    return time.perf_counter() - start


def date_fields(iso):
    day = datetime.date.fromisoformat(iso)
    return {"birth_date_0": day.day, "birth_date_1": day.month, "birth_date_2": day.year}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    import json
    import subprocess

    with tempfile.TemporaryDirectory() as var_dir:
        env = django_env(var_dir)
        env["ASSURE_CLIENT_REQUESTS_PER_HOUR"] = "1000000"
        subprocess.run([sys.executable, "-m", "assure.cli", "migrate", "-v0"], env=env, check=True)
        people = json.loads(
            subprocess.run(
                [sys.executable, "-c", SETUP], env=env, check=True, capture_output=True, text=True
            ).stdout
        )
        known = {row[0] for rows in people.values() for row in rows}
        unknown = [
            [nir, "1980-01-01", "Inconnu", "Personne", "75011"] for nir in unknown_nirs(60, known)
        ]
        people["unknown"] = unknown

        def sign_in(row, attempt):
            return "/connexion/", {"nir": row[0], "secret": f"mauvais-{attempt}"}

        def forgotten(row, attempt):
            return "/code-oublie/", {"nir": row[0], **date_fields(row[1]), "channel": "email"}

        def wrong_identity(row, attempt):
            data = {"last_name": "Nomquinexistepas", "first_name": row[3], "nir": row[0]}
            return "/demande-de-code/", {**data, **date_fields(row[1]), "postcode": row[4]}

        groups = [
            ("wrong sign-in", sign_in, ["unknown", "no_account", "with_account"]),
            ("forgotten code", forgotten, ["unknown", "no_account", "no_email", "with_account"]),
            ("first code, identity not matching", wrong_identity, ["unknown", "no_account"]),
        ]
        timings = {(group, kind): [] for group, _, kinds in groups for kind in kinds}
        order = random.Random(9)
        with serving(env, workers=1) as port:
            cookie, token = csrf(port)
            for attempt in range(args.rounds):
                for group, make, kinds in groups:
                    # A new order each round: no kind always follows a heavy request.
                    for kind in order.sample(kinds, len(kinds)):
                        # Three tries per NIR at most: no sign-in delay is reached.
                        row = people[kind][attempt % len(people[kind])]
                        path, data = make(row, attempt)
                        timings[(group, kind)].append(post(port, cookie, token, path, data))

    labels = {
        "unknown": "unknown NIR",
        "no_account": "member without account",
        "no_email": "member without e-mail",
        "with_account": "member with account",
    }
    lines = []
    for group, _, kinds in groups:
        medians = {kind: statistics.median(timings[(group, kind)]) * 1000 for kind in kinds}
        spread = max(medians.values()) - min(medians.values())
        parts = ", ".join(f"{labels[kind]} {value:.1f} ms" for kind, value in medians.items())
        lines.append(f"- {group}: {parts} — spread {spread:.1f} ms")
        print(lines[-1])
    if not args.no_write:
        record("Same answer, same time, whatever the NIR", lines)


if __name__ == "__main__":
    main()
