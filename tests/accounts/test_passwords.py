import datetime

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from assure.members.models import Member

MEMBER = Member(
    nir="1841276451089",
    last_name="Le Gall",
    birth_name="Hélène",
    first_names="Jean-Pierre",
    birth_date=datetime.date(1984, 12, 3),
)


def errors(password):
    try:
        validate_password(password, user=MEMBER)
    except ValidationError as error:
        return error.messages
    return []


@pytest.mark.parametrize(
    "password",
    [
        "cheval7batterie",
        "Un vélo jaune à 2 roues",
        "x" * 127 + "1",
        "🚲 ma b1cyclette «rouge»",
        "a1" * 500,
    ],
)
def test_good_passwords(password):
    assert errors(password) == []


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("ab1", "Le mot de passe doit contenir au moins 8 caractères."),
        ("abcdefghij", "Le mot de passe doit contenir des lettres et des chiffres."),
        ("1234567890", "Le mot de passe doit contenir des lettres et des chiffres."),
        ("password1", "Ce mot de passe est trop courant."),
        (
            "x1841276451089",
            "Le mot de passe ne doit pas contenir votre numéro de sécurité sociale.",
        ),
        (
            "nir 1 84 12 76 451 089",
            "Le mot de passe ne doit pas contenir votre numéro de sécurité sociale.",
        ),
        ("chat03121984", "Le mot de passe ne doit pas contenir votre date de naissance."),
        ("chat 1984-12-03", "Le mot de passe ne doit pas contenir votre date de naissance."),
        ("legall2024x", "Le mot de passe ne doit pas contenir votre nom ou votre prénom."),
        ("HELENE-2024", "Le mot de passe ne doit pas contenir votre nom ou votre prénom."),
        ("jean 12345 pierre", "Le mot de passe ne doit pas contenir votre nom ou votre prénom."),
    ],
)
def test_bad_passwords_are_refused_with_the_reason(password, message):
    assert message in errors(password)


def test_the_hasher_is_argon2id_at_owasp_minimum():
    from django.contrib.auth.hashers import make_password

    encoded = make_password("cheval7batterie")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
