from django.urls import path

from . import views

app_name = "information"
urlpatterns = [
    path("mes-informations/", views.index, name="index"),
    path("mes-informations/adresse/", views.address, name="address"),
    path("mes-informations/telephone/", views.phone, name="phone"),
    path("mes-informations/email/", views.email, name="email"),
    path("mes-informations/email/envoye/", views.email_sent, name="email_sent"),
    path(
        "mes-informations/email/confirmer/<str:token>/", views.confirm_email, name="confirm_email"
    ),
]
