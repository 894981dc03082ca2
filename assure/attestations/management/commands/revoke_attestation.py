"""`assure revoke_attestation CODE --reason "…"`: revoke an attestation.

The public page "Vérifier une attestation" then says it was revoked, on
which day and why (the reason is shown to whoever verifies it: write it for
them, without health details). The code may be typed with or without dashes.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from assure.attestations import signing
from assure.attestations.models import Attestation


class Command(BaseCommand):
    help = "Révoque une attestation : la page de vérification indique qu'elle n'est plus valable."

    def add_arguments(self, parser):
        parser.add_argument("code", help="Le code de vérification (ex. : K7MQ3-XRT4P-AWNCG).")
        parser.add_argument(
            "--reason",
            required=True,
            help="Le motif, affiché à qui vérifie l'attestation (ex. : « droits clos »).",
        )

    def handle(self, *args, code, reason, **options):
        reason = " ".join(reason.split())
        if not reason:
            raise CommandError("Indiquez le motif de la révocation avec --reason.")
        if len(reason) > 200:
            raise CommandError("Le motif doit comporter 200 caractères au maximum.")
        normalized = signing.normalize_code(code)
        problem = signing.code_problem(normalized)
        if problem:
            raise CommandError(f"{code!r} n'est pas un code de vérification valide ({problem}).")
        attestation = Attestation.objects.filter(code=normalized).first()
        if attestation is None:
            raise CommandError(f"Aucune attestation ne porte le code {code}.")
        if not attestation.revoke(reason):
            when = timezone.localtime(attestation.revoked_at)
            raise CommandError(
                f"L'attestation {attestation.display_code} est déjà révoquée "
                f"(le {when:%d/%m/%Y} : {attestation.revocation_reason})."
            )
        self.stdout.write(
            f"Attestation {attestation.display_code} révoquée ({attestation.get_kind_display()}, "
            f"assuré n° {attestation.member_id}) : {reason}"
        )
