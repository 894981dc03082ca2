"""Forms rendered with GOV.UK Frontend's HTML patterns.

`FormRenderer` (settings.FORM_RENDERER) makes `{{ form }}` and
`{{ form.field.as_field_group }}` render each field as a GOV.UK form group:
label (or fieldset and legend for radios, checkboxes and dates), hint from
`help_text`, error message, and the input with GOV.UK's classes, all linked
by `aria-describedby`. Django's own widgets work unchanged; templates under
`portal/templates/django/forms/widgets/` override the radios and checkboxes.

The form group, the text inputs, the date and the select are written in
Python rather than through templates: they are on the first page of every
visit (sign-in, « Je demande un code »), where templates took most of the
page's time. They write what the templates wrote (tests compare).

Width classes go in the widget's "class" attribute, which is kept:
`forms.CharField(widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}))`.
A field may carry `legend_size = "m"` (or "l") for a larger legend.

A form may say what its blank rendering depends on beyond the code and the
settings: `blank_key()` returns a hashable of it (`()` for a form the same
for everyone, None when it is the member's own), and its blank fields are
rendered once by the process for each key (pages.rendered_once): the
sign-in page begins every visit.
"""

import datetime
import html
import re

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.forms.widgets import Input
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import mark_safe

from assure.lib.nir import InvalidNIR, parse_nir

from .pages import rendered_once

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

    def as_field_group(self):
        if self.field.template_name:  # a field's own template, as Django allows
            return super().as_field_group()
        form = self.form
        blank_key = getattr(form, "blank_key", None)
        key = None
        if blank_key is not None and not (form.is_bound or form.initial):
            key = blank_key()
        if key is None:
            return field_group(self)
        return rendered_once(
            (type(form), form.prefix, form.auto_id, self.name, key), lambda: field_group(self)
        )

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
    bound_field_class = GovukBoundField

    def render(self, template_name, context, request=None):
        if template_name in INPUT_TEMPLATES:
            return input_html(context["widget"])
        return super().render(template_name, context, request)


# Django's widgets whose template is django/forms/widgets/input.html alone.
INPUT_TEMPLATES = {
    f"django/forms/widgets/{name}.html"
    for name in ("text", "password", "email", "number", "tel", "url", "search", "hidden")
}


def safe(html):
    """HTML written here, every value in it escaped by `escape`."""
    return mark_safe(html)  # noqa: S308 (see above)


def escape(value):
    """A value as the template language writes it: escaped unless safe."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def attributes(attrs):
    """HTML attributes as Django's widgets/attrs.html writes them (True: the
    name alone; False: left out)."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def input_html(widget):
    """Django's widgets/input.html, for a widget's context."""
    value = widget["value"]
    value = "" if value is None else f' value="{escape(value)}"'
    return (
        f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"'
        f"{value}{attributes(widget['attrs'])}>"
    )


def field_group(field):
    """One GOV.UK form group. Ids: hint `{auto_id}_helptext`, error
    `{auto_id}_error` (the names of Django's aria-describedby)."""
    errors = field.errors
    label = escape(field.label)
    if field.use_fieldset:
        role = ' role="group"' if field.is_date else ""
        describedby = field.aria_describedby
        describedby = f' aria-describedby="{describedby}"' if describedby else ""
        inside = (
            f'<fieldset class="govuk-fieldset"{role}{describedby}>\n'
            f'<legend class="govuk-fieldset__legend {field.legend_class}">{label}</legend>\n'
            f"{hint(field)}{error_message(field, errors)}{field}\n</fieldset>"
        )
    elif field.is_checkbox:
        checkbox_hint = (
            f'<div class="govuk-hint govuk-checkboxes__hint" id="{field.auto_id}_helptext">'
            f"{escape(field.help_text)}</div>\n"
            if field.help_text
            else ""
        )
        inside = (
            f'{error_message(field, errors)}<div class="govuk-checkboxes">\n'
            f'<div class="govuk-checkboxes__item">\n{field}\n'
            f'<label class="govuk-label govuk-checkboxes__label" '
            f'for="{escape(field.id_for_label)}">{label}</label>\n'
            f"{checkbox_hint}</div>\n</div>"
        )
    else:
        inside = (
            f'<label class="govuk-label govuk-label--s" for="{escape(field.id_for_label)}">'
            f"{label}</label>\n{hint(field)}{error_message(field, errors)}{field}"
        )
    error_class = " govuk-form-group--error" if errors else ""
    return safe(f'<div class="govuk-form-group{error_class}">\n{inside}\n</div>\n')


def hint(field):
    if not field.help_text:
        return ""
    return (
        f'<div class="govuk-hint" id="{field.auto_id}_helptext">{escape(field.help_text)}</div>\n'
    )


def error_message(field, errors):
    if not errors:
        return ""
    messages = "<br>".join(
        f'<span class="govuk-visually-hidden">Erreur :</span> {escape(error)}' for error in errors
    )
    return f'<p class="govuk-error-message" id="{field.auto_id}_error">{messages}</p>\n'


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
            group = "".join(
                f'<option value="{escape(option["value"])}"{attributes(option["attrs"])}>'
                f"{escape(option['label'])}</option>"
                for option in options
            )
            if group_name:
                group = f'<optgroup label="{escape(group_name)}">{group}</optgroup>'
            groups.append(group)
        options = "".join(groups)
        return safe(
            f'<select name="{escape(name)}"{attributes(widget["attrs"])}>{options}</select>'
        )


class NormalChoices(BaseChoiceIterator):
    """Choices already in Django's normal form, (value, label) pairs, which a
    ChoiceField and its widget then take as they are: Django normalises a
    list of choices again each time a form is built (field and widget), which
    was most of the 0.08 ms « Trouver un médecin » took to build its form."""

    def __init__(self, pairs):
        self.pairs = tuple(pairs)

    def __iter__(self):
        return iter(self.pairs)

    def __len__(self):
        return len(self.pairs)


class DateInput3(forms.MultiWidget):
    """GOV.UK's date input: three text boxes, "Jour", "Mois", "Année"."""

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

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = "".join(
            '<div class="govuk-date-input__item">\n<div class="govuk-form-group">\n'
            '<label class="govuk-label govuk-date-input__label" '
            f'for="{escape(part["attrs"].get("id", ""))}">{escape(part["label"])}</label>\n'
            f"{input_html(part)}\n</div>\n</div>\n"
            for part in widget["subwidgets"]
        )
        element_id = widget["attrs"].get("id")
        element_id = f' id="{escape(element_id)}"' if element_id else ""
        return safe(f'<div class="govuk-date-input"{element_id}>\n{parts}</div>')


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
