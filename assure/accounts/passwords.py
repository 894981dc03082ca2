"""Password rules, shown to the member before typing (see choose_password.html).

Django calls each validator with `user`: here the Member whose password it is.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError

MIN_LENGTH = 8
MAX_LENGTH = 1000  # long passphrases are welcome; the cap only bounds hashing work


def letters_only(text):
    """Lower-case letters without accents: "Le Gall-Hélène" -> "legallhelene"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalpha() and not unicodedata.combining(ch))


class LengthLettersDigitsValidator:
    def validate(self, password, user=None):
        if len(password) < MIN_LENGTH:
            raise ValidationError(
                f"Le mot de passe doit contenir au moins {MIN_LENGTH} caractères.",
                code="password_too_short",
            )
        if not any(ch.isalpha() for ch in password) or not any(ch.isdigit() for ch in password):
            raise ValidationError(
                "Le mot de passe doit contenir des lettres et des chiffres.",
                code="password_letters_digits",
            )

    def get_help_text(self):
        return f"Au moins {MIN_LENGTH} caractères, avec des lettres et des chiffres."


class PersonalDataValidator:
    """Refuses a password built from the member's NIR, birth date or names."""

    def validate(self, password, user=None):
        member = getattr(user, "member", user)
        if member is None or not hasattr(member, "nir"):
            return
        digits = re.sub(r"\D", "", password)
        letters = letters_only(password)
        nir_digits = re.sub(r"\D", "", member.nir)
        if member.nir.lower() in password.lower().replace(" ", "") or (
            len(nir_digits) >= 11 and nir_digits in digits
        ):
            raise ValidationError(
                "Le mot de passe ne doit pas contenir votre numéro de sécurité sociale.",
                code="password_contains_nir",
            )
        birth = member.birth_date
        dates = {
            birth.strftime("%d%m%Y"),
            birth.strftime("%Y%m%d"),
            birth.strftime("%d%m%y"),
            birth.strftime("%m%d%Y"),
        }
        if any(date in digits for date in dates):
            raise ValidationError(
                "Le mot de passe ne doit pas contenir votre date de naissance.",
                code="password_contains_birth_date",
            )
        names = [member.last_name, member.birth_name, *member.first_names.replace(",", " ").split()]
        for name in names:
            name = letters_only(name)
            if len(name) >= 3 and name in letters:
                raise ValidationError(
                    "Le mot de passe ne doit pas contenir votre nom ou votre prénom.",
                    code="password_contains_name",
                )

    def get_help_text(self):
        return "Ni votre nom, ni votre date de naissance, ni votre numéro de sécurité sociale."
