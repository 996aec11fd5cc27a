"""Signals the record sends for apps built on it, which the record itself never imports.

- organization_merged(sender=Organization, keep=, drop=, actor=, reason=): sent inside the
  merge's transaction, after everything of the record moved from `drop` to `keep`. The campaign
  moves the calls and actions aimed at `drop` (campaign/signals.py).
- organization_feed(sender=Organization, org=, limit=): sent by an organization's Atom feed;
  each receiver returns a list of record.queries.Change to add to it (the campaign: the
  actions aimed at the organization).
"""

from django.dispatch import Signal

organization_merged = Signal()
organization_feed = Signal()
