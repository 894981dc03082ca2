from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("connexion/", views.sign_in, name="sign_in"),
    path("demande-de-code/", views.request_code, name="request_code"),
    path("demande-de-code/envoye/", views.code_sent, name="code_sent"),
    path("code-oublie/", views.forgotten_code, name="forgotten_code"),
    path("code-oublie/envoye/", views.forgotten_code_sent, name="forgotten_code_sent"),
    path("mot-de-passe/", views.choose_password, name="choose_password"),
    path("compte-cree/", views.account_created, name="account_created"),
    path("accueil/", views.home, name="home"),
    path("deconnexion/", views.sign_out, name="sign_out"),
    path("deconnecte/", views.signed_out, name="signed_out"),
    path("mon-compte/mot-de-passe/", views.change_password, name="change_password"),
    path("mon-compte/ce-n-etait-pas-moi/", views.not_me, name="not_me"),
    path("mon-compte/ce-n-etait-pas-moi/fait/", views.not_me_done, name="not_me_done"),
    path("mon-compte/resilier/", views.close_account, name="close_account"),
    path("compte-resilie/", views.account_closed, name="account_closed"),
]
