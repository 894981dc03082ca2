from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("trouver-un-medecin/", views.search, name="search"),
    path("trouver-un-medecin/<int:pk>/", views.detail, name="detail"),
]
