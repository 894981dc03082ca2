"""Which app answers which address.

| address                                          | app          |
|--------------------------------------------------|--------------|
| /, /theme.css                                    | portal       |
| /connexion/, /demande-de-code/…, /code-oublie/…, | accounts     |
| /mot-de-passe/, /compte-cree/, /accueil/,        |              |
| /deconnexion/, /deconnecte/, /mon-compte/…,      |              |
| /compte-resilie/                                 |              |
| /mes-informations/…                              | information  |
| /mes-paiements/…                                 | payments     |
| /mes-attestations/…, /verifier-une-attestation/… | attestations |
| /trouver-un-point-d-accueil/…                    | places       |
| /trouver-un-medecin/…                            | directory    |
| /demo/boite-d-envoi/… (demo mode only)           | outbox       |

An app with one prefix is mounted under it; portal, accounts and
attestations answer at several roots, listed above. The paths are what
members bookmark and tutorials show: they do not change.
"""

from django.urls import include, path

urlpatterns = [
    path("", include("assure.portal.urls")),
    path("", include("assure.accounts.urls")),
    path("mes-informations/", include("assure.information.urls")),
    path("mes-paiements/", include("assure.payments.urls")),
    path("", include("assure.attestations.urls")),
    path("trouver-un-point-d-accueil/", include("assure.places.urls")),
    path("trouver-un-medecin/", include("assure.directory.urls")),
    path("demo/boite-d-envoi/", include("assure.outbox.urls")),
]

handler500 = "assure.portal.middleware.server_error"
