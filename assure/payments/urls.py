from django.urls import path, register_converter

from . import views


class FourDigits:
    regex = "[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


class TwoDigits:
    """A month in a URL: always two digits ("2026-02"), read as an int."""

    regex = "[0-9]{2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


register_converter(FourDigits, "payments_year")
register_converter(TwoDigits, "payments_month")

app_name = "payments"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("par-mois/", views.months, name="months"),
    path("filtrer/", views.filters, name="filters"),
    path(
        "releves/<payments_year:year>-<payments_month:month>/",
        views.statement,
        name="statement",
    ),
]
