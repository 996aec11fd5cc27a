"""Atom feeds of calls to action and of actions."""

from django.http import Http404


def actions_atom(request):
    raise Http404


def calls_atom(request):
    raise Http404
