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
    gp_name = models.CharField("médecin traitant", max_length=150, blank=True)
    # Stored whole (the fund pays into it); shown masked everywhere.
    iban = models.CharField("IBAN", max_length=34, blank=True)
    # Complémentaire santé solidaire, when the member has it.
    css_start = models.DateField("CSS depuis le", null=True, blank=True)
    css_end = models.DateField("CSS jusqu'au", null=True, blank=True)
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
    def masked_iban(self):
        """ "FR76 •••• •••• •••• •••• ••89 123": the country, check digits and
        the last five characters, grouped by four as on a RIB."""
        if not self.iban:
            return ""
        iban = self.iban.replace(" ", "").upper()
        masked = iban[:4] + "•" * (len(iban) - 9) + iban[-5:]
        return " ".join(masked[i : i + 4] for i in range(0, len(masked), 4))

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


class Beneficiary(models.Model):
    """An ayant droit: a child, spouse or other person covered through the member."""

    CHILD = "child"
    SPOUSE = "spouse"
    OTHER = "other"
    RELATIONSHIPS = [(CHILD, "enfant"), (SPOUSE, "conjoint"), (OTHER, "autre")]

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="beneficiaries")
    # The beneficiary's number on the member's file (1, 2, …): the import key.
    rank = models.PositiveSmallIntegerField("rang")
    relationship = models.CharField("lien", max_length=10, choices=RELATIONSHIPS)
    last_name = models.CharField("nom", max_length=100)
    first_names = models.CharField("prénoms", max_length=150)
    birth_date = models.DateField("date de naissance")

    class Meta:
        verbose_name = "ayant droit"
        ordering = ["member", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["member", "rank"], name="beneficiary_rank_per_member")
        ]

    def __str__(self):
        return f"{self.first_names} {self.last_name}"


class RightsPeriodQuerySet(models.QuerySet):
    def current(self, today):
        """The periods open on `today` (an open end runs forever)."""
        return self.filter(models.Q(end=None) | models.Q(end__gte=today), start__lte=today)


class RightsPeriod(models.Model):
    """A period of rights (droits ouverts) of the member or one of their beneficiaries."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="rights_periods")
    # None: the member's own rights.
    beneficiary = models.ForeignKey(
        Beneficiary, null=True, blank=True, on_delete=models.CASCADE, related_name="rights_periods"
    )
    start = models.DateField("début")
    end = models.DateField("fin", null=True, blank=True)
    regime = models.CharField("régime", max_length=100)
    fund = models.CharField("caisse", max_length=150)

    objects = RightsPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = "période de droits"
        ordering = ["member", "beneficiary", "-start"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "start"],
                condition=models.Q(beneficiary=None),
                name="member_rights_period_start",
            ),
            models.UniqueConstraint(
                fields=["member", "beneficiary", "start"],
                condition=models.Q(beneficiary__isnull=False),
                name="beneficiary_rights_period_start",
            ),
            models.CheckConstraint(
                condition=models.Q(end=None) | models.Q(end__gte=models.F("start")),
                name="rights_period_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.regime} depuis le {self.start:%d/%m/%Y}"
