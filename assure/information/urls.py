from django.urls import path

from . import views

app_name = "information"
urlpatterns = [
    path("mes-informations/", views.index, name="index"),
]
