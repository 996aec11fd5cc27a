"""Counters (rate limits, sign-in failures) and spent proof-of-work challenges. They live in the
database, not in a cache: an increment is one atomic statement, and nothing is evicted to make
room for cached pages. Expired rows are deleted now and then by unmask.accounts.throttle."""

from django.db import models


class Counter(models.Model):
    key = models.CharField(max_length=100, unique=True)
    count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.count}"


class SpentChallenge(models.Model):
    signature = models.CharField(max_length=128, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.signature
