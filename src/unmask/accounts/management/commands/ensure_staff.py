"""Create the first staff account (role: admin) with a random password, printed once."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from unmask.accounts import roles


class Command(BaseCommand):
    help = "Create a staff account with a random password, shown once. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--reset", action="store_true", help="Set and print a new password.")

    def handle(self, *args, username, reset, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is not None and not reset:
            self.stdout.write(
                f"Staff account “{username}” exists; its password was shown when it was made "
                f"(`unmask ensure_staff --reset` sets a new one)."
            )
            return
        password = secrets.token_urlsafe(15)
        if user is None:
            user = User.objects.create_superuser(username=username, email="", password=password)
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        roles.ensure_roles()
        user.groups.add(Group.objects.get(name=roles.ADMIN))
        self.stdout.write(
            self.style.SUCCESS(
                f"Staff account: {username} / {password}  (shown once; sign in at /admin/)"
            )
        )
