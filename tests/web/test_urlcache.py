"""The cached URLs and country names are what Django and django-countries would give, in every
language and under a script prefix (an instance served from a sub-path)."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation
from django_countries.fields import Country
from hypothesis import given, settings
from hypothesis import strategies as st

from unmask.urlcache import country_name, fast_reverse

segment = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="/"), min_size=1, max_size=12
)


@pytest.fixture
def script_prefix():
    yield
    set_script_prefix("/")


@pytest.mark.parametrize("language", ["en", "de", "ar"])
@pytest.mark.parametrize("prefix", ["/", "/mirror/"])
def test_fast_reverse_matches_reverse(language, prefix, script_prefix):
    set_script_prefix(prefix)

    @settings(max_examples=60, deadline=None)
    @given(segment, segment)
    def check(public_id, slug):
        with translation.override(language):
            assert fast_reverse("record:organization", public_id, slug) == reverse(
                "record:organization", args=[public_id, slug]
            )
            assert fast_reverse("record:source", public_id) == reverse(
                "record:source", args=[public_id]
            )

    check()


def test_an_argument_reverse_would_refuse_is_still_refused():
    with pytest.raises(NoReverseMatch):
        fast_reverse("record:organization", "abc", "")
    with pytest.raises(NoReverseMatch):
        fast_reverse("record:organization", "abc", "a/b")


@pytest.mark.parametrize("language", ["en", "de", "tr", "ar"])
def test_country_names_follow_the_language(language):
    with translation.override(language):
        for code in ("DE", "TR", "CN", "UA"):
            assert country_name(code) == Country(code).name
        assert country_name("") == ""
