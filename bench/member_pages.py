"""`make bench`: the member's home and payments pages against a minimal page.

In one run, through `assure serve` over real HTTP on 127.0.0.1, signed-in
members with a realistic history (a spouse and children, two years of
payments) ask again and again for:
1. the floor: the sign-out confirmation page, the smallest page that reads
   the session, loads the member and renders a template in the member layout;
2. the home page ("Accueil": greeting, last payments, attestation, links);
   the members have 8 sign-ins each, which « Mes informations » lists;
3. "Mes paiements" (filters, list) and its first page filtered by nature;
4. "Montants par mois et relevés" (chart of 12 months, table, statements).
Each page is measured between two measures of the floor, so that each sees
the same machine (a shared machine's speed drifts). Reports the pages per
second, the ratio of each to the floor (target >= 0.7) and latency percentiles
at `--clients` concurrent connections, into docs/benchmarks.md.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from sign_in import RawClient, database_name, django_env, record, serving  # noqa: E402

MEMBERS = 40
FLOOR = "minimal page (floor)"
PAGES = {
    FLOOR: "/deconnexion/",
    "home": "/accueil/",
    "payments": "/mes-paiements/",
    "payments, filtered": "/mes-paiements/?nature=care",
    "amounts by month and statements": "/mes-paiements/par-mois/",
}

PREPARE = """
import datetime, random
from decimal import Decimal
import django
django.setup()
from django.conf import settings
from django.test import Client
from django.utils import timezone
from assure.accounts.models import SecurityEvent, User
from assure.demo.members import fictitious_members
from assure.members.models import Beneficiary, Member
from assure.payments.models import Payment, PaymentLine

rng = random.Random(11)
USER_AGENTS = [
    "Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
]
today = datetime.date.today()
Member.objects.bulk_create(fictitious_members(count={members}, seed=7))
cookies = []
for number, member in enumerate(Member.objects.order_by("pk")):
    user = User.objects.create(username=member.nir, member=member, activated_at=timezone.now())
    children = [
        Beneficiary.objects.create(
            member=member, rank=rank, relationship=Beneficiary.CHILD, last_name=member.last_name,
            first_names=name, birth_date=datetime.date(2015 + rank, 3, 1),
        )
        for rank, name in enumerate(["Léa", "Hugo"], start=1)
    ]
    lines = []
    for k in range(150):  # about 6 payments a month over two years
        paid_on = today - datetime.timedelta(days=rng.randrange(1, 730))
        payment = Payment.objects.create(
            member=member, beneficiary=rng.choice([None, None, *children]),
            reference=f"B{{number:04d}}{{k:05d}}", paid_on=paid_on,
            nature=rng.choice([Payment.CARE] * 8 + [Payment.DAILY_ALLOWANCE, Payment.OTHER]),
            amount=Decimal("0"),
        )
        total = Decimal("0")
        for position in range(1, rng.randint(1, 4) + 1):
            line = PaymentLine(
                payment=payment, position=position,
                care_date=paid_on - datetime.timedelta(days=rng.randrange(2, 20)),
                act="Consultation médecin généraliste", professional="Dr Jeanne Roux",
                charged=Decimal("30.00"), base=Decimal("30.00"), rate=70,
                reimbursed=Decimal("21.00"), flat_fee=Decimal("2.00"),
            )
            total += line.net
            lines.append(line)
        payment.amount = total
        payment.save(update_fields=["amount"])
    PaymentLine.objects.bulk_create(lines)
    SecurityEvent.objects.bulk_create(
        SecurityEvent(
            member=member, nir=member.nir, kind=SecurityEvent.SIGN_IN, ip="192.0.2.{{}}".format(k),
            created_at=timezone.now() - datetime.timedelta(days=3 * k, hours=k),
            user_agent=rng.choice(USER_AGENTS),
        )
        for k in range(1, 9)
    )
    client = Client()
    client.force_login(user)
    cookies.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
print(settings.SESSION_COOKIE_NAME)
print("\\n".join(cookies))
"""


def prepare(env):
    """A fresh database with members, their families and payments; their session cookies."""
    subprocess.run([sys.executable, "-m", "assure.cli", "migrate", "-v0"], env=env, check=True)
    out = subprocess.run(
        [sys.executable, "-c", PREPARE.format(members=MEMBERS)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    name, values = out[0], out[1:]
    return [f"{name}={value}" for value in values]


def page_client(port, path, cookies, stop_at):
    """GETs one page again and again (one cookie per request, round robin; None:
    a visitor without cookies); a 200 is a success."""
    requests = [
        (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            + (f"Cookie: {cookie}\r\n" if cookie else "")
            + "Accept-Encoding: identity\r\nConnection: close\r\n\r\n"
        ).encode()
        for cookie in cookies
    ]
    return RawClient(port, requests, stop_at, lambda head: head.startswith(b"HTTP/1.1 200"))


def page_rate(port, path, cookies, clients, seconds):
    """(pages per second, latencies in seconds, errors) at `clients` connections."""
    # Every connection gets cookies, even when there are fewer than connections
    # ([None] for visitors without cookies).
    cookies = list(cookies) * -(-clients // len(cookies))
    stop_at = time.perf_counter() + seconds
    start = time.perf_counter()
    threads = [page_client(port, path, cookies[k::clients], stop_at) for k in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies = [latency for thread in threads for latency in thread.latencies]
    return (
        len(latencies) / (time.perf_counter() - start),
        latencies,
        sum(thread.errors for thread in threads),
    )


def percentile(values, fraction):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * fraction))]


class Measures:
    """Pages measured in rounds, each between two measures of a floor page:
    `rates`, `latencies` and `ratios` by page name, `errors` in all. A page's
    ratio in a round is its rate to the mean of the floor's just before and
    just after it, so that a machine slowing down or speeding up during the
    round counts for both alike."""

    def __init__(self, clients, seconds):
        self.clients, self.seconds = clients, seconds
        self.rates, self.latencies, self.ratios = {}, {}, {}
        self.errors = 0

    def measure(self, name, port, path, cookies):
        rate, latencies, errors = page_rate(port, path, cookies, self.clients, self.seconds)
        self.rates.setdefault(name, []).append(rate)
        self.latencies.setdefault(name, []).extend(latencies)
        self.errors += errors
        return rate

    def round(self, floor, pages):
        """`floor` and each of `pages`: (name, port, path, cookies)."""
        before = self.measure(*floor)
        for page in pages:
            rate = self.measure(*page)
            after = self.measure(*floor)
            self.ratios.setdefault(page[0], []).append(rate / ((before + after) / 2))
            before = after
        print(
            "  round: "
            + ", ".join(f"{name} {rates[-1]:.0f}/s" for name, rates in self.rates.items())
            + ", ratios "
            + ", ".join(f"{ratios[-1]:.2f}" for ratios in self.ratios.values())
        )

    def table(self, paths):
        """The report's table rows, for the pages named in `paths` ({name: path}),
        and the lowest median ratio among them."""
        lines = [
            "| page | pages/s | ratio to the floor | p50 | p99 |",
            "|---|---|---|---|---|",
        ]
        ratios = {name: statistics.median(self.ratios.get(name, [1.0])) for name in paths}
        for name, path in paths.items():
            latencies = self.latencies[name]
            lines.append(
                f"| {name} `{path}` | {statistics.median(self.rates[name]):.0f} | "
                f"{ratios[name]:.2f} | {percentile(latencies, 0.50) * 1000:.1f} ms | "
                f"{percentile(latencies, 0.99) * 1000:.1f} ms |"
            )
        return lines, min(ratio for name, ratio in ratios.items() if name in self.ratios)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1, help="each measure")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()

    measures = Measures(args.clients, args.seconds)
    with tempfile.TemporaryDirectory() as var_dir:
        env = django_env(var_dir)
        cookies = prepare(env)
        with serving(env, args.workers) as port:
            for path in PAGES.values():  # warm-up: imports, templates, connections
                page_rate(port, path, cookies, args.clients, 1)
            pages = [(name, port, path, cookies) for name, path in PAGES.items()]
            for _ in range(args.rounds):
                measures.round(pages[0], pages[1:])
    database = database_name()
    table, lowest = measures.table(PAGES)
    lines = [
        f"`assure serve` ({args.workers} workers), {args.clients} concurrent connections, "
        f"{database}, {MEMBERS} signed-in members each with 2 children, 150 payments "
        f"(1–4 lines each) over two years and 8 sign-ins; {args.rounds} rounds, each "
        "measuring the floor, then every page followed by the floor again, "
        f"{args.seconds:g} s each. A page's ratio is the median over the rounds of its "
        "rate to the mean of the floor's just before and just after it.",
        "",
        *table,
        "",
        f"Lowest ratio: **{lowest:.2f}** (target >= 0.7); {measures.errors} errors.",
    ]
    print("\n".join(lines))
    if not args.no_write:
        record(f"Member pages vs a minimal page ({database})", lines)
    if measures.errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
