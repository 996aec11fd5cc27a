from django.urls import path

from unmask.campaign import feeds, geo, moderation, sheets, views

app_name = "campaign"
urlpatterns = [
    # Readers
    path("actions/", views.upcoming, name="actions"),
    path("actions/calendar/", views.month, name="calendar"),
    path("actions/map/", geo.actions_map, name="actions-map"),
    path("actions/map/actions.geojson", geo.actions_geojson, name="actions-geojson"),
    path("actions/<str:public_id>.ics", views.action_ics, name="action-ics"),
    path("actions/<str:public_id>/", views.action, name="action-short"),
    path("actions/<str:public_id>/<str:slug>/", views.action, name="action"),
    path("actions/<str:public_id>/<str:slug>/card.png", views.action_card, name="action-card"),
    path("groups/<str:public_id>/", views.group, name="group-short"),
    path("groups/<str:public_id>/<str:slug>/", views.group, name="group"),
    path("calls/", views.calls, name="calls"),
    path("calls/<str:public_id>/sites.geojson", geo.call_sites, name="call-sites"),
    path("calls/<str:public_id>/sheet.pdf", sheets.call_sheet, name="call-sheet"),
    path("calls/<str:public_id>/", views.call, name="call-short"),
    path("calls/<str:public_id>/<str:slug>/", views.call, name="call"),
    path("calls/<str:public_id>/<str:slug>/card.png", views.call_card, name="call-card"),
    path("embed/actions/", views.embed_actions, name="embed-actions"),
    path("embed/call/<str:public_id>/", views.embed_call, name="embed-call"),
    # Feeds: ?call=, ?country=, ?group= narrow them
    path("calendar/actions.ics", views.actions_ics, name="actions-ics"),
    path("feeds/actions.atom", feeds.actions_atom, name="actions-atom"),
    path("feeds/calls.atom", feeds.calls_atom, name="calls-atom"),
    path("feeds.opml", feeds.feeds_opml, name="feeds-opml"),
    # Submitting without an account, then following it through the secret link
    path("submit/", views.submit, name="submit"),
    path("submit/challenge.json", views.challenge, name="challenge"),
    path("submit/targets.json", views.targets_json, name="targets"),
    path("submit/zone.json", views.zone_json, name="zone"),
    path("submit/manage/<str:token>/", views.manage, name="manage"),
    # Moderators
    path("moderate/", moderation.queue, name="moderate"),
]
