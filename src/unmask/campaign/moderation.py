"""The moderators' screen: the queue of submitted actions, with everything needed to decide."""

from django.http import Http404


def queue(request):
    raise Http404
