from django.urls import include, path

urlpatterns = [
    path("", include("assure.portal.urls")),
    path("", include("assure.accounts.urls")),
    path("", include("assure.outbox.urls")),
    path("", include("assure.information.urls")),
    path("", include("assure.payments.urls")),
    path("", include("assure.attestations.urls")),
    path("", include("assure.places.urls")),
    path("", include("assure.directory.urls")),
]
