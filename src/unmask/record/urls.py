from django.urls import path

from unmask.record import views

app_name = "record"
urlpatterns = [
    path("org/<str:public_id>/", views.organization, name="organization-short"),
    path("org/<str:public_id>/<str:slug>/", views.organization, name="organization"),
    path("product/<str:public_id>/", views.product, name="product-short"),
    path("product/<str:public_id>/<str:slug>/", views.product, name="product"),
    path("source/<str:public_id>/", views.source, name="source"),
]
