from django.urls import path

from unmask.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("methodology/", views.methodology, name="methodology"),
]
