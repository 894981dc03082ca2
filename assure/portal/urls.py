from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("theme.css", views.theme_css, name="theme_css"),
]
