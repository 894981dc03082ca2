from django.urls import path

from . import views

app_name = "outbox"
urlpatterns = [
    path("", views.outbox, name="demo_outbox"),
    path("email/<int:pk>/", views.email, name="demo_email"),
    path("email/<int:pk>/html/", views.email_html, name="demo_email_html"),
    path("courrier/<int:pk>.pdf", views.letter, name="demo_letter"),
]
