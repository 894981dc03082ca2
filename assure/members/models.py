from django.db import models

from assure.lib.names import same_name
from assure.lib.nir import InvalidNIR, format_nir, parse_nir


class MemberQuerySet(models.QuerySet):
    def identify(self, nir, last_name, first_name, birth_date, postcode):
        """The member whose NIR, name, first name, birth date and postcode all match, or None.

        One indexed query on the NIR; the rest is compared in Python. The name
        may be the usage name or the birth name (maiden name).
        """
        try:
            nir = parse_nir(nir)
        except InvalidNIR:
            return None
        member = self.filter(nir=nir).first()
        if (
            member is not None
            and member.name_matches(last_name)
            and member.first_name_matches(first_name)
            and member.birth_date == birth_date
            and member.postcode == str(postcode).strip()
        ):
            return member
        return None


class Member(models.Model):
    """An insured person of the fund's registry (imported, never created by the portal)."""

    # The 13 characters of the NIR without its key; Corsica keeps "2A"/"2B".
    nir = models.CharField("NIR", max_length=13, unique=True)
    last_name = models.CharField("nom d'usage", max_length=100)
    birth_name = models.CharField("nom de naissance", max_length=100, blank=True)
    first_names = models.CharField("prénoms", max_length=150)
    birth_date = models.DateField("date de naissance")
    address = models.TextField(
        "adresse", help_text="Lignes de l'adresse, sans code postal ni ville"
    )
    postcode = models.CharField("code postal", max_length=5)
    city = models.CharField("ville", max_length=100)
    email = models.EmailField("adresse e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = "assuré"

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def first_name(self):
        return self.first_names.split(" ")[0].split(",")[0]

    @property
    def postal_lines(self):
        """The lines of a postal address block, as printed on a letter."""
        return [
            f"{self.first_names} {self.last_name}".upper(),
            *[line for line in self.address.splitlines() if line.strip()],
            f"{self.postcode} {self.city}".upper(),
        ]

    @property
    def formatted_nir(self):
        """ "1 84 12 76 451 089 46": grouped, with its key."""
        return format_nir(self.nir)

    def name_matches(self, typed):
        """Whether a typed name is this member's usage name or birth name.

        Compared without case, accents, hyphens, apostrophes or spaces.
        """
        return same_name(typed, self.last_name) or same_name(typed, self.birth_name)

    def first_name_matches(self, typed):
        """Whether a typed first name is the first of the first names, or the first few, or all.

        "Marie", "Marie Hélène" and "marie-helene" all match "Marie Hélène Louise".
        """
        names = self.first_names.replace(",", " ").split()
        return any(same_name(typed, " ".join(names[:n])) for n in range(1, len(names) + 1))

    @property
    def masked_email(self):
        """The e-mail address shown to someone who is not signed in: "j•••@e•••.fr"."""
        if not self.email or "@" not in self.email:
            return ""
        local, domain = self.email.rsplit("@", 1)
        name, dot, tld = domain.rpartition(".")
        if not dot:
            return f"{local[:1]}•••@{domain[:1]}•••"
        return f"{local[:1]}•••@{name[:1]}•••.{tld}"
