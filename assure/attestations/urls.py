from django.urls import path

from . import views

app_name = "attestations"
urlpatterns = [
    path("mes-attestations/", views.index, name="index"),
    path("mes-attestations/attestation-de-droits/", views.rights, name="rights"),
    path(
        "mes-attestations/indemnites-journalieres/",
        views.daily_allowances,
        name="daily_allowances",
    ),
    path("mes-attestations/<int:pk>/telecharger/", views.download, name="download"),
    path("mes-attestations/<int:pk>/annuler/", views.revoke, name="revoke"),
    path("verifier-une-attestation/", views.verify, name="verify"),
    path("verifier-une-attestation/cle-publique.pem", views.public_key, name="public_key"),
]
