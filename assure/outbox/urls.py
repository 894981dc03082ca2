from django.urls import path

from . import views

app_name = "outbox"
urlpatterns = [
    path("demo/boite-d-envoi/", views.outbox, name="demo_outbox"),
    path("demo/boite-d-envoi/email/<int:pk>/", views.email, name="demo_email"),
    path("demo/boite-d-envoi/email/<int:pk>/html/", views.email_html, name="demo_email_html"),
    path("demo/boite-d-envoi/courrier/<int:pk>.pdf", views.letter, name="demo_letter"),
]
