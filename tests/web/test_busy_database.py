"""A form that meets a busy SQLite database (web/busy.py): its view runs again, nothing of the
failed try kept; still busy, a 503 that says when to come back and keeps what was typed."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import OperationalError, connection
from django.http import HttpResponseRedirect
from django.test import RequestFactory

from unmask.exchange.models import ImportBatch
from unmask.web import busy

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's write lock; PostgreSQL has row locks"
)


def _post(data: dict):
    request = RequestFactory().post("/org/x/y/reply/", data)
    request.user, request.LANGUAGE_CODE = AnonymousUser(), "en"
    return request


@pytest.mark.django_db(transaction=True)
def test_a_view_that_met_a_busy_database_runs_again_and_keeps_only_its_last_try():
    tries = []

    def view(request):
        ImportBatch.objects.create(file_name=f"try {len(tries)}", sha256="0" * 64, kind="csv")
        tries.append(1)
        if len(tries) == 1:
            raise OperationalError("database is locked")
        return HttpResponseRedirect("/sent/")

    middleware = busy.BusyDatabaseMiddleware(lambda request: None)
    response = middleware.process_view(_post({"text": "x"}), view, (), {})
    assert response.status_code == 302 and len(tries) == 2
    assert list(ImportBatch.objects.values_list("file_name", flat=True)) == ["try 1"]


@pytest.mark.django_db(transaction=True)
def test_still_busy_answers_503_with_retry_after_and_the_form_as_typed(settings):
    def view(request):
        raise OperationalError("database is locked")

    typed = {"text": 'We stopped "these" deliveries\nin 2021.', "languages": ["de", "en"]}
    middleware = busy.BusyDatabaseMiddleware(lambda request: None)
    response = middleware.process_view(_post(typed), view, (), {})
    assert response.status_code == 503 and response["Retry-After"]
    page = response.content.decode()
    assert 'value="We stopped &quot;these&quot; deliveries\nin 2021."' in page
    assert 'name="languages" value="de"' in page and 'name="languages" value="en"' in page
    assert 'name="csrfmiddlewaretoken"' in page and 'action="/org/x/y/reply/"' in page
