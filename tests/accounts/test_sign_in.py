"""Staff sign-in: throttled without storing addresses, and two-factor when enrolled."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from unmask.accounts.models import Counter

FAILED = (
    "Sign-in failed. Check the user name, the password and the two-factor code if you use "
    "one, or try again in a few minutes."
)

ADDRESS = "203.0.113.77"


def _login(client, username, password, token=""):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "otp_token": token},
        REMOTE_ADDR=ADDRESS,
    )


def _code(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _unthrottle(device) -> None:
    """django-otp slows guessing after a wrong code; a person would wait a second."""
    device.refresh_from_db()
    device.throttle_reset()


def _wrong(device) -> str:
    return "123456" if _code(device) != "123456" else "654321"


def _error(response) -> str:
    """The sign-in page's error, as the person reads it."""
    assert response.status_code == 200
    return re.search(r'<p class="errornote">\s*(.*?)\s*</p>', response.content.decode(), re.S)[1]


def _enrol(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def _strangers_guess(username: str, times: int) -> None:
    """Wrong passwords for one account, each from another address: no client is locked out."""
    for n in range(times):
        response = Client().post(
            "/admin/login/?next=/admin/",
            {"username": username, "password": f"guess-{n}", "otp_token": ""},
            REMOTE_ADDR=f"198.51.100.{n + 1}",
        )
        assert response.status_code == 200 and _error(response) == FAILED


def _time_passes() -> None:
    """As if the longest wait had passed since the last failure."""
    Counter.objects.update(updated_at=F("updated_at") - timedelta(hours=1))


def _everything_stored() -> str:
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            rows.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(rows)


def test_repeated_failures_lock_the_account_out_without_storing_the_address(client, reviewer):
    for _ in range(4):
        assert _login(client, "rivka", "wrong").status_code == 200
    assert _login(client, "rivka", "wrong").status_code == 429  # the fifth failure locks
    response = _login(client, "rivka", "pw-rivka")  # even the right password, for a while
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert ADDRESS not in _everything_stored()


def test_a_right_password_signs_in(client, reviewer):
    response = _login(client, "rivka", "pw-rivka")
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_an_enrolled_account_needs_its_two_factor_code(client, reviewer):
    client.force_login(reviewer)
    page = client.get("/admin/two-factor/").content.decode()
    assert "<svg" in page  # the QR code is drawn here, not fetched from a service
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    assert "not valid" in client.post("/admin/two-factor/", {"token": "000000"}).content.decode()
    _unthrottle(device)
    assert client.post("/admin/two-factor/", {"token": _code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    client.logout()

    response = _login(client, "rivka", "pw-rivka")
    assert FAILED in response.content.decode()  # nothing says the password was right
    response = _login(client, "rivka", "pw-rivka", token=_wrong(device))
    assert FAILED in response.content.decode()
    _unthrottle(device)
    device.last_t = -1  # the enrolment code was used; a new login needs a fresh one
    device.save()
    response = _login(client, "rivka", "pw-rivka", token=_code(device))
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("path", ["/admin/record/organization/add/", "/admin/two-factor/"])
def test_staff_pages_need_a_staff_sign_in(client, outsider, path):
    assert client.get(path).status_code == 302
    client.force_login(outsider)
    assert client.get(path).status_code == 302


def test_behind_proxies_the_outermost_proxys_client_is_counted(rf, settings):
    from unmask.accounts.throttle import client_address

    request = rf.get("/", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5", REMOTE_ADDR="10.0.0.2")
    settings.PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.2"
    settings.PROXY_COUNT = 1
    assert client_address(request) == "203.0.113.5"  # a client cannot spoof past the proxy


def test_strangers_from_many_addresses_slow_an_account_down_and_its_owner_is_told(
    client, reviewer, caplog
):
    _strangers_guess("rivka", 60)
    response = _login(client, "rivka", "pw-rivka")  # the right password, straight after
    assert _error(response) == FAILED  # refused, with the same words as a wrong password
    assert client.get("/admin/").status_code == 302  # not signed in

    _time_passes()
    response = _login(client, "rivka", "pw-rivka")  # the owner, after the wait
    assert response.status_code == 302
    page = client.get("/admin/").content.decode()
    assert "61 failed sign-in attempts since your last sign-in." in page
    assert "failed attempts" in caplog.text and "198.51.100" not in caplog.text
    assert "pw-rivka" not in caplog.text and "guess-" not in caplog.text

    client.logout()
    assert _login(client, "rivka", "pw-rivka").status_code == 302  # counts start again
    assert "failed sign-in" not in client.get("/admin/").content.decode()


def test_after_the_wait_one_attempt_is_checked_then_the_wait_doubles(reviewer):
    _strangers_guess("rivka", 10)
    _time_passes()
    _strangers_guess("rivka", 1)  # checked, and wrong: the next wait is twice as long
    assert _error(_login(Client(), "rivka", "pw-rivka")) == FAILED
    _time_passes()
    assert _login(Client(), "rivka", "pw-rivka").status_code == 302


def test_an_enrolled_owner_skips_the_wait_with_a_code_and_wrong_codes_count(client, reviewer):
    device = _enrol(reviewer)
    _strangers_guess("rivka", 60)
    assert _error(_login(client, "rivka", "pw-rivka")) == FAILED  # no code: refused
    assert _error(_login(client, "rivka", "pw-rivka", token=_wrong(device))) == FAILED
    response = _login(client, "rivka", "pw-rivka", token=_code(device))
    assert response.status_code == 302  # straight away: a stranger cannot give the code
    page = client.get("/admin/")
    assert page.status_code == 200 and "62 failed sign-in attempts" in page.content.decode()


def test_wrong_codes_count_per_account_like_wrong_passwords(reviewer):
    device = _enrol(reviewer)
    for n in range(10):  # someone who has the password, guessing codes from many addresses
        response = Client().post(
            "/admin/login/?next=/admin/",
            {"username": "rivka", "password": "pw-rivka", "otp_token": _wrong(device)},
            REMOTE_ADDR=f"198.51.100.{n + 1}",
        )
        assert _error(response) == FAILED
        _unthrottle(device)
    # the account now waits: without a valid code even the right password is not checked
    assert _error(_login(Client(), "rivka", "pw-rivka", token="")) == FAILED
    owner = Client()
    assert _login(owner, "rivka", "pw-rivka", token=_code(device)).status_code == 302
    assert "11 failed sign-in attempts" in owner.get("/admin/").content.decode()
