"""Checking an identifier where it is entered. The schemes whose form FollowTheMoney checks (an
LEI's ISO 17442 check digits, a Wikidata item's Q-number, a website's address) are refused when
FtM would refuse them: the record never holds a value its FtM export would have to leave out.
The checks are FtM's own (rigour and python-stdnum, which followthemoney uses), without loading
FtM's model. One function, used by Identifier.clean (the admin, services, the CSV bundle import)
and by the imports that read identifiers before they reach a model (organizations CSV, FtM)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def website_url(value: str) -> str:
    """A website domain as the FtM export writes it: an address (https:// when it has none)."""
    value = value.strip()
    return value if "://" in value else f"https://{value}"


def identifier_error(scheme: str, value: str) -> str | None:
    """Why `value` is not an identifier of `scheme` (a message naming both), or None if it is."""
    from unmask.record.models import IdentifierScheme

    value = (value or "").strip()
    if not value:
        return None  # a required value is the form's and the model's to ask for
    problem = None
    if scheme == IdentifierScheme.LEI:
        problem = _lei_problem(value)
    elif scheme == IdentifierScheme.WIKIDATA:
        from rigour.ids import get_identifier_format

        if get_identifier_format("wikidata").normalize(value) is None:
            problem = _("write the item's Q-number, like Q42.")
    elif scheme == IdentifierScheme.DOMAIN:
        from rigour.urls import clean_url

        if clean_url(website_url(value)) is None:
            problem = _("not a website domain (like example.org).")
    if problem is None:
        return None
    return _("%(scheme)s “%(value)s”: %(problem)s") % {
        "scheme": IdentifierScheme(scheme).label,
        "value": value,
        "problem": problem,
    }


def _lei_problem(value: str) -> str | None:
    from stdnum import lei
    from stdnum.exceptions import InvalidChecksum, ValidationError

    count = len(lei.compact(value))
    if count != 20:  # (stdnum checks the digits first: a short one would "not match")
        return _("an LEI has 20 letters and digits, this one %(count)d.") % {"count": count}
    try:
        lei.validate(value)
    except InvalidChecksum:
        return _(
            "its check digits do not match (ISO 17442): a character is mistyped or two are swapped."
        )
    except ValidationError:
        return _("an LEI has only letters and digits.")
    return None
