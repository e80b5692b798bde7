"""``servicehall otp enrol USERNAME`` / ``servicehall otp remove USERNAME``: the second factor (TOTP) of one of
the three administrators (SEC-6), set up by the installation's operator for the security administrator."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import transaction

from servicehall.audit.services import record_event, system_actor
from servicehall.commandbase import ServicehallCommand


class Command(ServicehallCommand):
    help = "Second factor (TOTP): 'enrol USERNAME' prints the otpauth URL to scan; 'remove USERNAME' drops it."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["enrol", "remove"])
        parser.add_argument("username")

    def handle(self, *args, what: str, username: str, **options):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no account {username!r}")
        actor = system_actor("otp")
        with transaction.atomic():
            TOTPDevice.objects.filter(user=user).delete()
            if what == "remove":
                record_event(actor, "account.otp_remove", object_type="auth.user", object_id=user.pk,
                             object_repr=username)
                self.stdout.write(f"removed the second factor of {username}")
                return
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
            record_event(actor, "account.otp_enrol", object_type="auth.user", object_id=user.pk, object_repr=username)
        self.stdout.write(device.config_url)
