from django.urls import path, re_path

from . import views

app_name = "places"
urlpatterns = [
    path("", views.search, name="search"),
    # A place's key as the import allows it (places.importing.KEY).
    re_path(
        r"^(?P<key>[A-Za-z0-9][A-Za-z0-9_.\-]{0,39})/$",
        views.detail,
        name="detail",
    ),
]
