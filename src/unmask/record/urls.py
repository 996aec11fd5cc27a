from django.urls import path

from unmask.record import feeds, sheets, staff, views

app_name = "record"
urlpatterns = [
    path("org/", views.directory, name="directory"),
    path("org/<str:public_id>/", views.organization, name="organization-short"),
    path("org/<str:public_id>/<str:slug>/", views.organization, name="organization"),
    path(
        "org/<str:public_id>/<str:slug>/history/",
        views.organization_history,
        name="organization-history",
    ),
    path(
        "org/<str:public_id>/<str:slug>/feed/",
        feeds.OrganizationChangesFeed(),
        name="organization-feed",
    ),
    path("org/<str:public_id>/<str:slug>/reply/", views.reply, name="organization-reply"),
    path(
        "org/<str:public_id>/<str:slug>/sheet.pdf",
        sheets.organization_sheet,
        name="organization-sheet",
    ),
    path(
        "org/<str:public_id>/<str:slug>/card.png", views.organization_card, name="organization-card"
    ),
    path("claim/<str:public_id>/", views.claim, name="claim"),
    path("claim/<str:public_id>/card.png", views.claim_card, name="claim-card"),
    path("embed/org/<str:public_id>/", views.embed_organization, name="embed-organization"),
    path("country/<str:code>/", views.country, name="country"),
    path("product/<str:public_id>/", views.product, name="product-short"),
    path("product/<str:public_id>/<str:slug>/", views.product, name="product"),
    path("source/<str:public_id>/", views.source, name="source"),
    path("site/<str:public_id>/", views.site, name="site"),
    path("feeds/changes/", feeds.ChangesFeed(), name="changes-feed"),
    # Reviewers: the replies waiting to be checked
    path("moderate/replies/", staff.replies_queue, name="replies-queue"),
]
