from django.urls import path

from unmask.pages import views

app_name = "pages"
urlpatterns = [
    path("", views.home, name="home"),
    path("methodology/", views.methodology, name="methodology"),
]
