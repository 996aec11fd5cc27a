from django.urls import path

from unmask.exchange import views

app_name = "exchange"
urlpatterns = [
    path("data/", views.data_page, name="data"),
    path("data/files/<str:name>", views.bulk_file, name="file"),
    path("data/part.<str:fmt>", views.part, name="part"),
    path("screen/", views.screen, name="screen"),
]
