"""Where something is, as the record's sites and the campaign's actions both say it: a city and
an optional point. Each keeps what differs on its own model (a site's country is required and its
address is free text; an action's country may be empty, as for an online action, and its address
is a meeting point). The record cannot import the campaign, so the shared part lives here."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Place(models.Model):
    city = models.CharField(_("city"), max_length=200, blank=True)
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    class Meta:
        abstract = True
