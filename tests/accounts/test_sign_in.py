"""Staff sign-in: throttled without storing addresses, and two-factor when enrolled."""

import pytest
from django.db import connection
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

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
    assert "Enter the six-digit code" in response.content.decode()
    response = _login(
        client, "rivka", "pw-rivka", token="123456" if _code(device) != "123456" else "654321"
    )
    assert "not valid" in response.content.decode()
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
