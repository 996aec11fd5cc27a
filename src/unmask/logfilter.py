"""Keep secrets out of the logs: a submitter's secret link (/submit/manage/<token>/) is a
password, and Django's request warnings ("Bad Request: <path>", "Forbidden (CSRF cookie not
set.): <path>") print the path. The filter sits on the site's log handler (settings.LOGGING),
so whichever logger writes the line, the token never reaches the output."""

from __future__ import annotations

import logging
import re

SECRET_PATH = re.compile(r"(/submit/manage/)[^/\s?#\"']+")
REDACTED = r"\1…"


def redact(text: str) -> str:
    return SECRET_PATH.sub(REDACTED, text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if SECRET_PATH.search(message):
            record.msg, record.args = redact(message), ()
        return True
