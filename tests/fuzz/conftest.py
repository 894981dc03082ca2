"""Hypothesis profiles: "ci" (few examples, derandomized, the default) and
"fuzz" (many random examples, `make fuzz`)."""

import os

from hypothesis import HealthCheck, settings

from tests.fuzz.pages import pages  # noqa: F401  (pytest fixture)

settings.register_profile(
    "ci",
    max_examples=15,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz",
    max_examples=500,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
