"""Sign-in limits per account, from whatever client. After LOGIN_ACCOUNT_LIMIT failures in a day
(wrong password or wrong two-factor code), an account's next attempt is checked only once a wait
has passed that doubles with each failure, up to LOGIN_ACCOUNT_MAX_DELAY; earlier attempts are
refused unchecked and do not prolong the wait. An account with a two-factor device skips the
wait with a valid code, which a stranger cannot give. Its owner is told at the next sign-in."""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import ngettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from unmask.accounts.models import Counter
from unmask.accounts.throttle import count

log = logging.getLogger(__name__)

WINDOW = 24 * 3600  # failures are forgotten a day after the last one
NOTICE_WINDOW = 90 * 24 * 3600  # the owner hears of failures up to this long after them
BASE_DELAY = 30  # seconds of wait at the limit, doubled with each failure after it


def _key(kind: str, username: str) -> str:
    digest = hashlib.blake2b(
        username.casefold().encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=16
    )
    return f"signin-{kind}:{digest.hexdigest()}"


def _user(username: str):
    try:
        return get_user_model()._default_manager.get_by_natural_key(username)
    except get_user_model().DoesNotExist:
        return None


def delay(failures: int) -> int:
    """Seconds an account with this many failures waits between checked attempts."""
    if failures < settings.LOGIN_ACCOUNT_LIMIT:
        return 0
    doublings = min(failures - settings.LOGIN_ACCOUNT_LIMIT, 32)
    return min(BASE_DELAY * 2**doublings, settings.LOGIN_ACCOUNT_MAX_DELAY)


def _code_is_valid(user, token: str) -> bool:
    """Whether `token` is a current code of one of the user's devices. Unlike the device's own
    check it neither uses the code up nor counts a wrong one, so a stranger guessing codes here
    cannot slow the owner's device down; the sign-in then checks the code for real."""
    if not token.isdigit():
        return False
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        if totp.verify(int(token), device.tolerance, device.last_t + 1):
            return True
    return False


def admit(request, username: str, token: str) -> bool:
    """Whether this attempt for `username` may be checked now. A refused attempt is counted
    for the owner's notice only."""
    now = timezone.now()
    row = Counter.objects.filter(key=_key("failures", username), expires_at__gt=now).first()
    if row is None or row.count < settings.LOGIN_ACCOUNT_LIMIT:
        return True
    user = _user(username)
    if user is not None and TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        if _code_is_valid(user, token):
            return True
        # a wrong code is a failure like any other (counted, and by django-axes per client)
        user_login_failed.send(__name__, credentials={"username": username}, request=request)
        return False
    admitted = now >= row.updated_at + timedelta(seconds=delay(row.count))
    # one attempt per wait: of parallel attempts, the one that moves the time on is checked
    admitted = (
        admitted
        and Counter.objects.filter(pk=row.pk, count=row.count, updated_at=row.updated_at).update(
            updated_at=now
        )
        == 1
    )
    if not admitted:
        count(_key("notice", username), NOTICE_WINDOW, sliding=True)
    return admitted


@receiver(user_login_failed)
def count_failure(sender, credentials, request=None, **kwargs):
    username = credentials.get(get_user_model().USERNAME_FIELD)
    if not username:
        return
    failures = count(_key("failures", username), WINDOW, sliding=True)
    count(_key("notice", username), NOTICE_WINDOW, sliding=True)
    if failures == settings.LOGIN_ACCOUNT_LIMIT and (user := _user(username)) is not None:
        log.warning(
            "Sign-in: %d failures for account %s; slowing its sign-in down", failures, user.pk
        )


@receiver(user_logged_in)
def tell_the_owner(sender, request, user, **kwargs):
    username = user.get_username()
    notice = Counter.objects.filter(
        key=_key("notice", username), expires_at__gt=timezone.now()
    ).first()
    Counter.objects.filter(key__in=[_key("failures", username), _key("notice", username)]).delete()
    if notice is None or request is None:
        return
    log.warning("Sign-in: account %s signed in after %d failed attempts", user.pk, notice.count)
    messages.warning(
        request,
        ngettext(
            "%(count)d failed sign-in attempt since your last sign-in.",
            "%(count)d failed sign-in attempts since your last sign-in.",
            notice.count,
        )
        % {"count": notice.count},
    )
