"""`make bench`: sign-in throughput through `assure serve` against raw argon2.

In one run, on this machine:
1. the floor: raw argon2id verifications per second at the portal's parameters,
   with as many processes as the server has workers;
2. sign-ins per second (NIR + password, CSRF, session created) through
   `assure serve` over real HTTP on 127.0.0.1, with several concurrent clients;
3. the ratio of the two (target >= 0.85), written to docs/benchmarks.md.

Options: --seconds N (each measurement), --clients N, --workers N.
"""

import argparse
import http.client
import multiprocessing
import os
import re
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import processes  # noqa: E402  (runs the portal as real processes)

PASSWORD = "Bench9marque-de-velo"
MEMBERS = 40


def django_env(var_dir):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="assure.settings",
        ASSURE_VAR_DIR=str(var_dir),
        ASSURE_HTTPS="0",
        ASSURE_ACCESS_LOG="0",
        DEBUG="0",
        LOG_LEVEL="WARNING",
        # A benchmark client signs in thousands of times from one address.
        ASSURE_CLIENT_FAILURES_PER_HOUR="1000000",
    )
    env.setdefault("SECRET_KEY", "bench-" + "x" * 50)
    return env


def prepare(env):
    """Migrates a fresh database and creates members with active accounts."""
    subprocess.run([sys.executable, "-m", "assure.cli", "migrate", "-v0"], env=env, check=True)
    script = f"""
import django, datetime
django.setup()
from django.contrib.auth.hashers import make_password
from assure.accounts.models import User
from assure.demo.members import fictitious_members
members = list(fictitious_members(count={MEMBERS}, seed=7))
from assure.members.models import Member
Member.objects.bulk_create(members)
encoded = make_password({PASSWORD!r})
now = datetime.datetime.now(datetime.UTC)
User.objects.bulk_create(
    User(member=m, username=m.nir, password=encoded, activated_at=now) for m in Member.objects.all()
)
print(encoded)
for m in Member.objects.all():
    print(m.nir)
"""
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    return out[0], out[1:]


def _verify_loop(encoded, seconds, counter):
    from argon2 import PasswordHasher

    hasher = PasswordHasher()
    argon_hash = "$" + encoded.split("$", 1)[1]
    end = time.perf_counter() + seconds
    done = 0
    while time.perf_counter() < end:
        hasher.verify(argon_hash, PASSWORD)
        done += 1
    with counter.get_lock():
        counter.value += done


def raw_argon2_rate(encoded, processes, seconds):
    counter = multiprocessing.Value("i", 0)
    workers = [
        multiprocessing.Process(target=_verify_loop, args=(encoded, seconds, counter))
        for _ in range(processes)
    ]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return counter.value / (time.perf_counter() - start)


class RawClient(threading.Thread):
    """Sends prepared requests in turn until `stop_at`, counting the answers
    `ok(head)` accepts (with their latencies) and the others (errors).

    Requests are prepared once and sent on raw sockets, so that the client
    spends little CPU (the server runs on the same cores): per request it
    connects, sends the bytes, reads the answer until the server closes.
    """

    def __init__(self, port, requests, stop_at, ok):
        super().__init__(daemon=True)
        self.port, self.requests, self.stop_at, self.ok = port, requests, stop_at, ok
        self.latencies, self.errors = [], 0

    def run(self):
        i = 0
        while time.perf_counter() < self.stop_at:
            request = self.requests[i % len(self.requests)]
            i += 1
            start = time.perf_counter()
            with socket.create_connection(("127.0.0.1", self.port), timeout=30) as sock:
                sock.sendall(request)
                chunks = []
                while chunk := sock.recv(65536):
                    chunks.append(chunk)
            if self.ok(b"".join(chunks).split(b"\r\n\r\n", 1)[0]):
                self.latencies.append(time.perf_counter() - start)
            else:
                self.errors += 1


def signed_in(head):
    return head.startswith(b"HTTP/1.1 302") and b"\r\nLocation: /accueil/\r\n" in head


def sign_in_client(port, nirs, stop_at):
    """Signs in again and again, as a browser would: CSRF cookie + token, POST."""
    cookie, token = csrf(port)
    requests = [sign_in_request(port, cookie, token, nir) for nir in nirs]
    return RawClient(port, requests, stop_at, signed_in)


def csrf(port):
    """A CSRF cookie and the matching form token, from the sign-in page."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/connexion/")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    conn.close()
    return cookie, token


def sign_in_request(port, cookie, token, nir):
    body = urlencode({"csrfmiddlewaretoken": token, "nir": nir, "secret": PASSWORD}).encode()
    head = (
        "POST /connexion/ HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        f"Cookie: {cookie}\r\n"
        f"Referer: http://127.0.0.1:{port}/connexion/\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + body


@contextmanager
def serving(env, workers):
    """`assure serve` with `workers` processes; yields its port."""
    with processes.serving(env, workers=workers) as url:
        yield int(url.rsplit(":", 1)[1])


def sign_in_rate(port, nirs, clients, seconds):
    stop_at = time.perf_counter() + seconds
    start, cpu = time.perf_counter(), time.process_time()
    threads = [sign_in_client(port, nirs[k::clients], stop_at) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    latencies = [lat for t in threads for lat in t.latencies]
    client_cpu = (time.process_time() - cpu) / max(len(latencies), 1) * 1000
    print(f"  client CPU per sign-in: {client_cpu:.2f} ms")
    return len(latencies) / elapsed, latencies, sum(t.errors for t in threads)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="each measurement")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    # One worker per core, as `assure serve` does: argon2 is CPU-bound and more
    # workers than cores only add switching (measured: 3 workers 0.77, 4 workers 0.79).
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--floor-processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()

    rounds = []
    latencies, errors = [], 0
    with tempfile.TemporaryDirectory() as var_dir:
        env = django_env(var_dir)
        encoded, nirs = prepare(env)
        with serving(env, args.workers) as port:
            sign_in_rate(port, nirs, args.clients, 2)  # warm-up: imports, connections
            # Floor and sign-in alternate, so that both see the same machine.
            for _ in range(args.rounds):
                floor = raw_argon2_rate(encoded, args.floor_processes, args.seconds)
                rate, round_latencies, round_errors = sign_in_rate(
                    port, nirs, args.clients, args.seconds
                )
                rounds.append((floor, rate))
                latencies += round_latencies
                errors += round_errors
                print(
                    f"  round: argon2 {floor:.1f}/s, sign-in {rate:.1f}/s, ratio {rate / floor:.2f}"
                )
    floor = statistics.median(f for f, _ in rounds)
    rate = statistics.median(r for _, r in rounds)
    ratio = statistics.median(r / f for f, r in rounds)
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    database = database_name()
    lines = [
        f"- raw argon2id verify ({args.floor_processes} processes, m=19 MiB, t=2, p=1): "
        f"{floor:.1f} /s",
        f"- sign-in through `assure serve` ({args.workers} workers, {args.clients} clients, "
        f"{database}): {rate:.1f} /s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, {errors} errors",
        f"- ratio (median of {args.rounds} alternating rounds): **{ratio:.2f}** (target >= 0.85)",
    ]
    print("\n".join(lines))
    if not args.no_write:
        record("Sign-in throughput vs raw argon2", lines)
    if ratio < 0.85:
        print("Below the target of 0.85.")
    if errors:
        sys.exit(1)


def database_name():
    """The database the benchmark runs on, as its report names it."""
    return "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"


def record(title, lines):
    """Replaces (or adds) the section `title` of docs/benchmarks.md."""
    doc = ROOT / "docs" / "benchmarks.md"
    text = doc.read_text() if doc.exists() else "# Benchmarks\n"
    script = "bench/" + Path(sys.argv[0]).name
    command = f"python {script} {shlex.join(sys.argv[1:])}".strip()
    if database_name() == "PostgreSQL":  # a throwaway cluster, as the tests use
        command = f"scripts/with-postgres {command}"
    section = (
        f"## {title}\n\n"
        f"Command: `{command}` (part of `make bench`) — {time.strftime('%Y-%m-%d %H:%M %Z')}, "
        f"{os.cpu_count()} cores, Python {sys.version.split()[0]}.\n\n" + "\n".join(lines) + "\n"
    )
    pattern = re.compile(rf"## {re.escape(title)}\n.*?(?=\n## |\Z)", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip() + "\n\n" + section
    doc.write_text(text.rstrip() + "\n")


if __name__ == "__main__":
    main()
