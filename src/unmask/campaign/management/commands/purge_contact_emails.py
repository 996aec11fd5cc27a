"""Delete the contact e-mails that submitters left with their actions, once they are due:
UNMASK_CONTACT_RETENTION_DAYS days after the action's last occurrence ended. Run it daily (see
docs/operations.md, "Scheduled jobs"). Only the e-mail goes; the action and its history stay."""

from django.conf import settings
from django.core.management.base import BaseCommand

from unmask.campaign import services


class Command(BaseCommand):
    help = "Delete submitters' contact e-mails that are due (days after their action ended)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.CONTACT_RETENTION_DAYS,
            help="days after an action's end (default: UNMASK_CONTACT_RETENTION_DAYS)",
        )

    def handle(self, *args, days: int, **options):
        if days < 0:
            self.stderr.write("--days must be 0 or more.")
            raise SystemExit(2)
        count = services.purge_contact_emails(days=days)
        self.stdout.write(
            f"Deleted {count} contact e-mail(s) of actions that ended over {days} days ago."
        )
