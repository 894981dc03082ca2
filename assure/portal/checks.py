from django.conf import settings
from django.core.checks import Warning, register

from .colours import DEFAULT_COLOURS, contrast_ratio, normalise


@register()
def check_fund_colours(app_configs, **kwargs):
    """The fund's primary colour carries white text: it needs 4.5:1 (WCAG AA)."""
    warnings = []
    for name, default in DEFAULT_COLOURS.items():
        if normalise(getattr(settings, name, default)) is None:
            warnings.append(
                Warning(
                    f"{name} = {getattr(settings, name)!r} is not a hex colour (#rrggbb).",
                    hint=f"The portal uses the default colour {default} instead.",
                    id="assure.portal.W002",
                )
            )
    primary = normalise(settings.ASSURE_PRIMARY_COLOUR)
    if primary is not None:
        ratio = contrast_ratio(primary)
        if ratio < 4.5:
            warnings.append(
                Warning(
                    f"ASSURE_PRIMARY_COLOUR {primary} has a contrast ratio of {ratio:.2f}:1 "
                    "with white, below the 4.5:1 that WCAG AA requires for text.",
                    hint="Choose a darker primary colour: white text sits on it in the "
                    "header and buttons, and links use it on white.",
                    id="assure.portal.W001",
                )
            )
    return warnings
