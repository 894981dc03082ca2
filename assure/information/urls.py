from django.urls import path

from . import views

app_name = "information"
urlpatterns = [
    path("", views.index, name="index"),
    path("adresse/", views.address, name="address"),
    path("telephone/", views.phone, name="phone"),
    path("email/", views.email, name="email"),
    path("email/envoye/", views.email_sent, name="email_sent"),
    path("email/confirmer/<str:token>/", views.confirm_email, name="confirm_email"),
]
