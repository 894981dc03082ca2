from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.validators import RegexValidator

from assure.portal.forms import DateField, NIRField

from .models import ProvisionalCode
from .passwords import MAX_LENGTH


def birth_date_field():
    return DateField(
        label="Date de naissance", birth=True, past=True, help_text="Par exemple : 27 3 1985"
    )


class SignInForm(forms.Form):
    nir = NIRField(
        label="Mon n° de sécurité sociale", help_text="13 ou 15 chiffres, avec ou sans espaces"
    )
    secret = forms.CharField(
        label="Mon code",
        help_text=(
            "Votre mot de passe. Si vous n'avez pas encore créé votre mot de passe, "
            "le code provisoire reçu par e-mail ou par courrier."
        ),
        max_length=MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={
            "required": "Saisissez votre mot de passe ou votre code provisoire.",
            "max_length": "Le code saisi est trop long.",
        },
    )

    def blank_key(self):
        return ()  # the same for everyone: rendered once (portal.forms)


class RequestCodeForm(forms.Form):
    last_name = forms.CharField(
        label="Nom",
        help_text=(
            "Si votre nom d'usage (nom d'épouse par exemple) ne fonctionne pas, "
            "saisissez votre nom de naissance (nom de jeune fille)."
        ),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name", "spellcheck": "false"}),
        error_messages={
            "required": "Saisissez votre nom.",
            "max_length": "Le nom doit comporter 100 caractères au maximum.",
        },
    )
    first_name = forms.CharField(
        label="Prénom",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "spellcheck": "false"}),
        error_messages={
            "required": "Saisissez votre prénom.",
            "max_length": "Le prénom doit comporter 100 caractères au maximum.",
        },
    )
    nir = NIRField(
        label="Numéro de sécurité sociale", help_text="13 chiffres, la clé n'est pas nécessaire"
    )
    birth_date = birth_date_field()
    postcode = forms.CharField(
        label="Code postal",
        help_text="Celui de votre adresse connue de la caisse",
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "postal-code",
                "inputmode": "numeric",
                "class": "govuk-input--width-5",
            }
        ),
        validators=[
            RegexValidator(
                r"^\d{5}$", "Le code postal doit comporter 5 chiffres, par exemple 75011."
            )
        ],
        error_messages={
            "required": "Saisissez votre code postal.",
            "max_length": "Le code postal doit comporter 5 chiffres, par exemple 75011.",
        },
    )

    def clean_postcode(self):
        return self.cleaned_data["postcode"].strip()

    def blank_key(self):
        return ()  # the same for everyone: rendered once (portal.forms)


class ForgottenCodeForm(forms.Form):
    CHANNELS = [
        (ProvisionalCode.EMAIL, "Email (réception immédiate)"),
        (ProvisionalCode.LETTER, "Courrier postal (sous un délai de 8 jours)"),
    ]

    nir = NIRField(
        label="Numéro de sécurité sociale", help_text="13 ou 15 chiffres, avec ou sans espaces"
    )
    birth_date = birth_date_field()
    channel = forms.ChoiceField(
        label="Je reçois mon code par",
        choices=CHANNELS,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez comment recevoir votre code : e-mail ou courrier.",
            "invalid_choice": "Choisissez comment recevoir votre code : e-mail ou courrier.",
        },
    )

    def blank_key(self):
        return ()  # the same for everyone: rendered once (portal.forms)


class ChoosePasswordForm(forms.Form):
    password = forms.CharField(
        label="Nouveau mot de passe",
        max_length=MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "new-password", "aria-describedby": "rules"}
        ),
        error_messages={
            "required": "Saisissez votre nouveau mot de passe.",
            "max_length": f"Le mot de passe doit comporter {MAX_LENGTH} caractères au maximum.",
        },
    )
    confirmation = forms.CharField(
        label="Confirmation du mot de passe",
        help_text="Saisissez le même mot de passe une deuxième fois.",
        max_length=MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={
            "required": "Saisissez une deuxième fois votre nouveau mot de passe.",
            "max_length": f"Le mot de passe doit comporter {MAX_LENGTH} caractères au maximum.",
        },
    )

    def __init__(self, member, *args, **kwargs):
        self.member = member
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password, user=self.member)
        return password

    def clean(self):
        password = self.cleaned_data.get("password")
        confirmation = self.cleaned_data.get("confirmation")
        if password and confirmation and password != confirmation:
            self.add_error("confirmation", "Les deux mots de passe ne sont pas identiques.")


def current_password_field(label, required):
    return forms.CharField(
        label=label,
        max_length=MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={
            "required": required,
            "max_length": "Le mot de passe saisi est trop long.",
        },
    )


def confirm_password(form, field, wrong):
    """Checks the signed-in member's password typed in `field` (see
    User.confirm_password): a wrong one is an error on the field, a delay or
    a block an error on the whole form."""
    password = form.cleaned_data.get(field)
    if password is None:
        return False
    outcome = form.user.confirm_password(password, form.request, wrong=wrong)
    if outcome is None:
        return True
    form.add_error(field if outcome.status == outcome.FAILED else None, outcome.message)
    return False


class ChangePasswordForm(ChoosePasswordForm):
    """The activation form with the current password first."""

    current_password = current_password_field(
        "Mot de passe actuel", "Saisissez votre mot de passe actuel."
    )
    field_order = ["current_password", "password", "confirmation"]

    def __init__(self, user, request, *args, **kwargs):
        self.user, self.request = user, request
        super().__init__(user.member, *args, **kwargs)

    def clean(self):
        super().clean()
        right = confirm_password(self, "current_password", "Le mot de passe actuel est incorrect.")
        if right and self.cleaned_data.get("password") == self.cleaned_data["current_password"]:
            self.add_error("password", "Choisissez un mot de passe différent de l'actuel.")


class CloseAccountForm(forms.Form):
    password = current_password_field("Mot de passe", "Saisissez votre mot de passe.")

    def __init__(self, user, request, *args, **kwargs):
        self.user, self.request = user, request
        super().__init__(*args, **kwargs)

    def clean(self):
        confirm_password(self, "password", "Le mot de passe est incorrect.")
