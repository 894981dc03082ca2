import datetime

import pytest
from django.utils import timezone

from assure.outbox.models import Secret
from tests.members.factories import MemberFactory


@pytest.fixture
def helene(db):
    """A member with an e-mail, a two-line street address and accents everywhere."""
    return MemberFactory(
        last_name="Lefèvre",
        first_names="Hélène Françoise",
        address="Bâtiment B, appartement 12\n17 rue de l'Église",
        postcode="69003",
        city="Lyon",
        email="helene.lefevre@exemple.test",
    )


@pytest.fixture
def bertrand(db):
    """A member without e-mail: his codes go by post."""
    return MemberFactory(
        without_email=True,
        sex=1,
        last_name="Nguyễn",
        first_names="Bertrand",
        address="4 chemin des Œillets",
        postcode="97400",
        city="Saint-Denis",
    )


@pytest.fixture
def code_context():
    """What ProvisionalCode.issue passes for a code (the member added by the test)."""

    def context(member, reason="first", code="MK4T 9QXA"):
        # The code lives as long as the test (what it says is a fixed date).
        lives = timezone.now() + datetime.timedelta(days=365)
        return {
            "member": member,
            "secret": Secret(code, f"test-code:{code}", lives),
            "expires_at": datetime.datetime(2026, 11, 23, 14, 30, tzinfo=datetime.UTC),
            "reason": reason,
        }

    return context


@pytest.fixture
def now():
    return timezone.now()
