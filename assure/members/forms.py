from django import forms
from django.core.exceptions import ValidationError

from assure.lib.nir import InvalidNIR, parse_nir


class NIRField(forms.CharField):
    """A social security number as typed: with or without spaces, with or without the key.

    ``clean()`` returns the 13 canonical characters ("2A"/"2B" for Corsica) or
    raises a ValidationError whose message says in French what is wrong.
    """

    default_error_messages = {"required": "Saisissez votre numéro de sécurité sociale."}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # Text, not numeric: Corsican NIRs hold the letters A or B.
        attrs.update(
            {
                "autocomplete": "off",
                "inputmode": "text",
                "spellcheck": "false",
                "autocapitalize": "characters",
            }
        )
        return attrs

    def clean(self, value):
        value = self.to_python(value)
        self.validate(value)
        if value in self.empty_values:
            return value
        # The length is judged on the NIR without its separators, with a
        # precise message, rather than by the generic max_length validator.
        try:
            return parse_nir(value)
        except InvalidNIR as error:
            raise ValidationError(error.message, code="invalid_nir") from error
