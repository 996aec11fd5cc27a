"""With two-factor sign-in required (the default behind HTTPS), a password alone opens only the
enrolment page: the admin, the actions' queue and the replies' queue wait for the code."""

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

STAFF_PAGES = ("/admin/", "/moderate/", "/moderate/replies/")


def test_a_password_alone_opens_only_the_enrolment_page(client, admin_user, settings):
    settings.REQUIRE_2FA = True
    signed_in = client.post(
        "/admin/login/?next=/admin/",
        {"username": "admin", "password": "password"},
        REMOTE_ADDR="203.0.113.80",
    )
    assert signed_in.status_code == 302
    for url in STAFF_PAGES:
        assert client.get(url).status_code in (302, 404), url
    assert client.get("/admin/two-factor/").status_code == 200

    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    assert client.post("/admin/two-factor/", {"token": code}).status_code == 302
    for url in STAFF_PAGES:  # enrolling with a code verified this session
        assert client.get(url).status_code == 200, url

    settings.REQUIRE_2FA = False
    client.logout()
    client.force_login(admin_user)  # a session without the code: the enrolled device asks
    assert all(client.get(url).status_code in (302, 404) for url in STAFF_PAGES)
