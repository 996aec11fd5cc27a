from django.urls import path

from unmask.graph import views

app_name = "graph"
urlpatterns = [
    path("graph/", views.graph_page, name="graph"),
    path("graph/network.json", views.data, name="data"),
    path("graph/network.graphml", views.graphml, name="graphml"),
]
