"""`make bench`: how long an attestation takes to draw and to sign.

In a fresh SQLite database in a temporary folder, for a member with two
beneficiaries, the complémentaire santé solidaire and a médecin traitant,
and a year of monthly daily-allowance payments, measures (median and p90 of
--runs, after a warm-up):

1. the PDF of an attestation de droits, drawn from its record (target <= 20 ms);
2. the PDF of an attestation of daily allowances (12 lines);
3. the QR code alone (the symbol's matrix), and segno choosing its mask itself;
4. the Ed25519 signature alone, and its verification;
5. a whole issue (content read from the database, signed, recorded) + its PDF.

    python bench/attestation_pdf.py [--runs 200]
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import segno

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sign_in import record  # noqa: E402


def timed(function, runs):
    """(median, p90, median CPU time) in milliseconds of `runs` calls, after 5
    warm-up calls. The CPU time leaves out the moments when other processes
    had the cores: on a shared machine it is the steadier figure."""
    for _ in range(5):
        function()
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9) - 1], statistics.median(cpu)


def prepare():
    """A member's file: identity, rights, two beneficiaries, twelve IJ payments."""
    from assure.members.models import Beneficiary, Member, RightsPeriod
    from assure.payments.models import Payment, PaymentLine

    member = Member.objects.create(
        nir="2841276451089",
        last_name="Martin",
        birth_name="Lefèvre",
        first_names="Alice Marie",
        birth_date=datetime.date(1984, 12, 3),
        address="12 rue des Lilas",
        postcode="76000",
        city="Rouen",
        gp_name="Dr Jeanne Roux",
        css_start=datetime.date(2026, 1, 1),
        css_end=datetime.date(2026, 12, 31),
    )
    fund = "Caisse de démonstration de Rouen"
    RightsPeriod.objects.create(
        member=member, start=datetime.date(2020, 1, 1), regime="Régime général", fund=fund
    )
    for rank, (first, born, relationship) in enumerate(
        [
            ("Lucas", datetime.date(2012, 4, 1), Beneficiary.CHILD),
            ("Paul", datetime.date(1982, 7, 20), Beneficiary.SPOUSE),
        ],
        start=1,
    ):
        beneficiary = Beneficiary.objects.create(
            member=member,
            rank=rank,
            relationship=relationship,
            last_name="Martin",
            first_names=first,
            birth_date=born,
        )
        RightsPeriod.objects.create(
            member=member,
            beneficiary=beneficiary,
            start=max(born, datetime.date(2020, 1, 1)),
            regime="Régime général",
            fund=fund,
        )
    for month in range(1, 13):
        start = datetime.date(2025, month, 1)
        end = (start + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(days=1)
        days = (end - start).days + 1
        amount = Decimal("42.17") * days
        payment = Payment.objects.create(
            member=member,
            reference=f"IJ2025{month:02d}",
            paid_on=end + datetime.timedelta(days=5),
            nature=Payment.DAILY_ALLOWANCE,
            amount=amount,
        )
        PaymentLine.objects.create(
            payment=payment,
            position=1,
            care_date=start,
            end_date=end,
            act="Indemnités journalières maladie",
            charged=amount,
            base=Decimal("84.34"),
            rate=50,
            reimbursed=amount,
        )
    return member


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()

    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as var_dir:
        os.environ.update(
            DJANGO_SETTINGS_MODULE="assure.settings",
            ASSURE_VAR_DIR=var_dir,
            ASSURE_HTTPS="0",
            LOG_LEVEL="WARNING",
        )
        os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)
        os.environ.pop("DATABASE_URL", None)
        os.environ.pop("ASSURE_ATTESTATION_KEY", None)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from assure.attestations import signing
        from assure.attestations.models import Attestation, daily_allowance_details
        from assure.attestations.qr import qr_rows

        member = prepare()
        rights = Attestation.objects.issue_rights(member)
        allowances = Attestation.objects.issue(
            daily_allowance_details(member, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
            member,
        )
        body = bytes(rights.payload)
        signature = signing.sign(body)
        runs = args.runs
        results = {
            "rights": timed(rights.pdf, runs),
            "allowances": timed(allowances.pdf, runs),
            "qr": timed(lambda: qr_rows(rights.verification_url), runs),
            "segno": timed(
                lambda: segno.make(
                    rights.verification_url, error="m", micro=False, boost_error=False
                ),
                max(runs // 4, 10),
            ),
            "sign": timed(lambda: signing.sign(body), runs),
            "verify": timed(lambda: signing.verify(body, signature), runs),
            "issue": timed(lambda: Attestation.objects.issue_rights(member).pdf(), runs),
        }
        token_chars = len(rights.token)
        url_chars = len(rights.verification_url)
        version = len(qr_rows(rights.verification_url))
        size = len(rights.pdf())

    def fmt(key):
        median, p90, cpu = results[key]
        return f"median {median:.2f} ms, p90 {p90:.2f} ms (CPU time: median {cpu:.2f} ms)"

    lines = [
        f"- attestation de droits PDF (member + 2 beneficiaries, one A4 page, {size:,} bytes): "
        f"**{fmt('rights')}** (target <= 20 ms, median of {runs})",
        f"- attestation of daily allowances PDF (12 payment lines): {fmt('allowances')}",
        "- the QR code's matrix alone, part of both (segno with mask 0, then our mask choice; "
        f"URL of {url_chars} characters with a token of {token_chars}, "
        f"{version}×{version} modules): {fmt('qr')}; segno choosing the mask "
        f"itself: {fmt('segno')} (same symbol, see assure/attestations/qr.py)",
        f"- Ed25519 signature alone: {fmt('sign')}; verification: {fmt('verify')}",
        f"- issue (content read from SQLite, signed, recorded) + PDF: {fmt('issue')}",
        f"- load average when the run began: {load:.2f} (other processes share the cores: "
        "the wall-clock figures grow with it, the CPU times much less)",
    ]
    print("\n".join(lines))
    if not args.no_write:
        record("Attestation PDF and signature", lines)


if __name__ == "__main__":
    main()
