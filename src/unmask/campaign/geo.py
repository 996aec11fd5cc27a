"""The map of upcoming actions (a layer of the record's map component) and its GeoJSON."""

from django.http import Http404


def actions_map(request):
    raise Http404


def actions_geojson(request):
    raise Http404
