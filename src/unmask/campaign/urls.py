from django.urls import path

from unmask.campaign import views

app_name = "campaign"
urlpatterns = [
    path("calendar/actions.ics", views.actions_ics, name="actions-ics"),
]
