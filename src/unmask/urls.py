from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from unmask.accounts import views as account_views
from unmask.maps import views as map_views
from unmask.record import views as record_views
from unmask.web import views as web_views

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME

urlpatterns = [
    path("admin/two-factor/", account_views.two_factor, name="two_factor"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("unmask.api.urls")),
    path("media/<path:path>", record_views.media, name="media"),
    path("basemap/<str:name>", map_views.basemap, name="basemap"),
    path("favicon.ico", web_views.favicon, name="favicon"),
]
urlpatterns += i18n_patterns(
    path("", include("unmask.pages.urls")),
    path("", include("unmask.record.urls")),
    path("", include("unmask.maps.urls")),
    path("", include("unmask.graph.urls")),
    path("", include("unmask.campaign.urls")),
    path("", include("unmask.exchange.urls")),
    prefix_default_language=False,
)
