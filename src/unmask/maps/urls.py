from django.urls import path

from unmask.maps import views

app_name = "maps"
urlpatterns = [
    path("map/", views.map_page, name="map"),
    path("map/sites.geojson", views.sites, name="sites"),
    path("map/sites.bin", views.sites_compact, name="sites-compact"),
    path("map/site-ids.bin", views.site_ids, name="site-ids"),
    path("map/sites.preview.geojson", views.sites_preview, name="sites-preview"),
    path("map/sites/<str:public_id>.json", views.site, name="site"),
    path("map/tiles/<int:zoom>/<int:x>/<int:y>.json", views.sites_tile, name="sites-tile"),
    path("embed/map/", views.embed, name="embed"),
]
