"""Forms rendered with GOV.UK Frontend's HTML patterns.

`FormRenderer` (settings.FORM_RENDERER) makes `{{ form }}` and
`{{ form.field.as_field_group }}` render each field as a GOV.UK form group:
label (or fieldset and legend for radios, checkboxes and dates), hint from
`help_text`, error message, and the input with GOV.UK's classes, all linked
by `aria-describedby`. Django's own widgets work unchanged; templates under
`portal/templates/django/forms/widgets/` override the radios and checkboxes.

Width classes go in the widget's "class" attribute, which is kept:
`forms.CharField(widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}))`.
A field may carry `legend_size = "m"` (or "l") for a larger legend.
"""

import datetime
import re

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.forms.widgets import Input
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from assure.lib.nir import InvalidNIR, parse_nir

INPUT_CLASSES = [
    # (widget class, GOV.UK class, error modifier) — first match wins.
    (forms.Textarea, "govuk-textarea", "govuk-textarea--error"),
    (forms.CheckboxSelectMultiple, "govuk-checkboxes__input", ""),  # a RadioSelect subclass
    (forms.RadioSelect, "govuk-radios__input", ""),
    (forms.CheckboxInput, "govuk-checkboxes__input", ""),
    (forms.SelectMultiple, "govuk-select", "govuk-select--error"),
    (forms.Select, "govuk-select", "govuk-select--error"),
    (forms.FileInput, "govuk-file-upload", "govuk-file-upload--error"),
    (Input, "govuk-input", "govuk-input--error"),
]


class GovukBoundField(BoundField):
    """A bound field that gives its widget GOV.UK's classes."""

    def build_widget_attrs(self, attrs, widget=None):
        widget = widget or self.field.widget
        attrs = super().build_widget_attrs(attrs, widget)
        if widget.is_hidden:
            return attrs
        if isinstance(widget, DateInput3):
            attrs["error_parts"] = self.date_error_parts()
            return attrs
        for widget_class, css_class, error_class in INPUT_CLASSES:
            if isinstance(widget, widget_class):
                classes = [css_class, widget.attrs.get("class", ""), attrs.get("class", "")]
                if self.errors:
                    classes.append(error_class)
                attrs["class"] = " ".join(c for c in classes if c)
                break
        return attrs

    def date_error_parts(self):
        """Which of day, month and year to show in error."""
        parts = set()
        for error in self.errors.as_data():
            parts.update((error.params or {}).get("parts", DateField.PARTS))
        return parts

    @property
    def anchor_id(self):
        """The id the error summary links to: the first input of the field."""
        widget = self.field.widget
        if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.MultiWidget)):
            return f"{self.auto_id}_0"
        return self.id_for_label or self.auto_id

    @property
    def legend_class(self):
        return f"govuk-fieldset__legend--{getattr(self.field, 'legend_size', 's')}"

    @property
    def is_checkbox(self):
        return isinstance(self.field.widget, forms.CheckboxInput)

    @property
    def is_date(self):
        return isinstance(self.field.widget, DateInput3)


class FormRenderer(TemplatesSetting):
    """Renders forms with the project's templates ('django.forms' is installed
    last, so portal/templates/django/forms/… overrides Django's widgets)."""

    form_template_name = "portal/forms/form.html"
    field_template_name = "portal/forms/field.html"
    bound_field_class = GovukBoundField


class Radios(forms.RadioSelect):
    """Radios with an optional hint under some choices: `Radios(hints={"post": "…"})`."""

    def __init__(self, attrs=None, choices=(), hints=None):
        super().__init__(attrs, choices)
        self.hints = dict(hints or {})

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        hint = self.hints.get(str(value))
        if hint:
            option["hint"] = hint
            if option["attrs"].get("id"):
                option["attrs"]["aria-describedby"] = f"{option['attrs']['id']}_hint"
        return option


class Select(forms.Select):
    """Django's select, written in Python rather than through a template for
    each option: the same HTML (tests compare them), for long lists on busy
    pages ("Trouver un médecin": its two lists took 1.5 ms through templates)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _ in widget["optgroups"]:
            html = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((option["value"], _attrs(option["attrs"]), option["label"]) for option in options),
            )
            if group_name:
                html = format_html('<optgroup label="{}">{}</optgroup>', group_name, html)
            groups.append(html)
        options = format_html_join("", "{}", ((group,) for group in groups))
        return format_html(
            '<select name="{}"{}>{}</select>', name, _attrs(widget["attrs"]), options
        )


def _attrs(attrs):
    """HTML attributes as Django's widgets/attrs.html writes them (True: the
    name alone; False: left out)."""
    return format_html_join(
        "",
        " {}{}",
        (
            (name, "" if value is True else format_html('="{}"', value))
            for name, value in attrs.items()
            if value is not False
        ),
    )


class DateInput3(forms.MultiWidget):
    """GOV.UK's date input: three text boxes, "Jour", "Mois", "Année"."""

    template_name = "portal/forms/widgets/date_input.html"
    labels = ("Jour", "Mois", "Année")

    def __init__(self, attrs=None, birth=False):
        def part(width, autocomplete, maxlength):
            part_attrs = {
                "class": f"govuk-input govuk-date-input__input govuk-input--width-{width}",
                "inputmode": "numeric",
                "maxlength": maxlength,
            }
            if birth:
                part_attrs["autocomplete"] = autocomplete
            return forms.TextInput(part_attrs)

        # The month may be typed as a name: "septembre" is the longest.
        widgets = [part(2, "bday-day", 2), part(2, "bday-month", 9), part(4, "bday-year", 4)]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        attrs = dict(attrs or {})
        error_parts = attrs.pop("error_parts", set())
        context = super().get_context(name, value, attrs)
        for part, label, subwidget in zip(
            DateField.PARTS, self.labels, context["widget"]["subwidgets"], strict=True
        ):
            subwidget["label"] = label
            sub_attrs = subwidget["attrs"]
            sub_attrs.pop("aria-invalid", None)
            sub_attrs.pop("required", None)
            if part in error_parts:
                sub_attrs["class"] += " govuk-input--error"
                sub_attrs["aria-invalid"] = "true"
        return context


MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        [
            ("janvier", "janv", "jan"),
            ("fevrier", "février", "fevr", "févr", "fev", "fév"),
            ("mars", "mar"),
            ("avril", "avr"),
            ("mai",),
            ("juin",),
            ("juillet", "juil"),
            ("aout", "août"),
            ("septembre", "sept", "sep"),
            ("octobre", "oct"),
            ("novembre", "nov"),
            ("decembre", "décembre", "dec", "déc"),
        ],
        start=1,
    )
    for name in names
}


class DateField(forms.MultiValueField):
    """A date typed in three boxes, cleaned to a `datetime.date`, with the
    GOV.UK date pattern's precise messages:

        DateField(label="Date de naissance", birth=True, past=True)

    `subject` ("la date de naissance") names the date in messages;
    `required_subject` ("votre date de naissance" when `birth`) in "Saisissez …".
    """

    PARTS = ("day", "month", "year")
    PART_NAMES = {"day": "un jour", "month": "un mois", "year": "une année"}
    MIN_YEAR = 1900
    default_error_messages = {
        "required": "Saisissez %(required_subject)s.",
        "incomplete": "%(Subject)s doit comporter %(missing)s.",
        "invalid": "%(Subject)s doit être une vraie date.",
        "year_digits": "L'année doit comporter 4 chiffres.",
        "too_old": "L'année doit être %(min_year)s ou après.",
        "past": "%(Subject)s doit être dans le passé.",
    }

    def __init__(
        self,
        *,
        label="Date",
        birth=False,
        past=False,
        subject=None,
        required_subject=None,
        legend_size="s",
        help_text=None,
        **kwargs,
    ):
        lower_label = label[:1].lower() + label[1:]
        self.subject = subject or f"la {lower_label}"
        self.required_subject = required_subject or (
            f"votre {lower_label}" if birth else self.subject
        )
        self.past = past
        self.legend_size = legend_size
        if help_text is None:
            help_text = "Par exemple, 27 3 1985" if birth else "Par exemple, 14 7 2024"
        parts = [forms.CharField(required=False) for _ in self.PARTS]
        super().__init__(
            parts,
            widget=DateInput3(birth=birth),
            label=label,
            help_text=help_text,
            require_all_fields=False,
            **kwargs,
        )

    def error(self, code, parts=None):
        params = {
            "Subject": self.subject[:1].upper() + self.subject[1:],
            "required_subject": self.required_subject,
            "min_year": self.MIN_YEAR,
        }
        if parts is not None:
            params["parts"] = parts
            params["missing"] = " et ".join(self.PART_NAMES[p] for p in parts)
        return forms.ValidationError(self.error_messages[code], code=code, params=params)

    def clean(self, value):
        if not isinstance(value, (list, tuple)):
            value = self.widget.decompress(value)
        day, month, year = (str(v if v is not None else "").strip() for v in value)
        if not (day or month or year):
            if self.required:
                raise self.error("required")
            return None
        missing = [p for p, v in zip(self.PARTS, (day, month, year), strict=True) if not v]
        if missing:
            raise self.error("incomplete", missing)
        month = str(MONTH_NAMES.get(month.lower().rstrip("."), month))
        # ASCII digits only: "²" or "①" pass str.isdigit() but not int().
        bad = [
            p
            for p, v in zip(self.PARTS, (day, month, year), strict=True)
            if not (v.isascii() and v.isdigit())
        ]
        if bad:
            raise self.error("invalid", bad)
        if not re.fullmatch(r"\d{4}", year):
            raise self.error("year_digits", ["year"])
        try:
            date = datetime.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):  # OverflowError: a part beyond C's int
            raise self.error("invalid", self.invalid_parts(int(day), int(month))) from None
        if date.year < self.MIN_YEAR:
            raise self.error("too_old", ["year"])
        if self.past and date >= timezone.localdate():
            raise self.error("past")
        self.run_validators(date)
        return date

    @staticmethod
    def invalid_parts(day, month):
        if not 1 <= month <= 12:
            return ["month"] if 1 <= day <= 31 else ["day", "month"]
        return ["day"]

    def has_changed(self, initial, data):
        try:
            return self.clean(data) != initial
        except forms.ValidationError:
            return True


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
            raise forms.ValidationError(error.message, code="invalid_nir") from error
