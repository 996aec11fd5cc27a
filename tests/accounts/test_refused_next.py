"""A sign-in whose ?next= points elsewhere lands on the staff area's index, not on a 404."""

import pytest


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/admin/", ""])
def test_a_refused_or_missing_next_leads_to_the_admin_index(client, reviewer, target):
    response = client.post(
        f"/admin/login/?next={target}",
        {"username": "rivka", "password": "pw-rivka", "otp_token": ""},
        REMOTE_ADDR="203.0.113.78",
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(response["Location"]).status_code == 200
