import datetime

import factory

from assure.lib.nir import build_nir
from assure.members.models import Member


class MemberFactory(factory.django.DjangoModelFactory):
    """A fictitious member whose NIR agrees with their sex and birth date.

    Born in a Paris arrondissement; pass ``sex=1`` for a man (default a woman),
    or a ``nir`` of your own. Traits: ``without_email`` (codes go by post),
    ``married`` (usage name differs from the birth name).
    """

    class Meta:
        model = Member

    class Params:
        sex = 2
        without_email = factory.Trait(email="")
        married = factory.Trait(last_name="Le Gall", birth_name="Santoni")

    nir = factory.LazyAttributeSequence(
        lambda member, n: build_nir(
            member.sex,
            member.birth_date.year,
            member.birth_date.month,
            "75",
            101 + (n // 999) % 20,
            1 + n % 999,
        )
    )
    last_name = factory.Sequence(lambda n: ["Martin", "Bernard", "Dubois", "Moreau"][n % 4])
    birth_name = ""
    first_names = "Marie Louise"
    birth_date = datetime.date(1980, 6, 15)
    address = "12 rue des Lilas"
    postcode = "75011"
    city = "Paris"
    email = factory.LazyAttribute(
        lambda member: (
            f"{member.first_names.split()[0].lower()}.{member.last_name.lower()}@exemple.test"
        )
    )
    phone = ""
