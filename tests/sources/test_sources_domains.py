"""Normalising URLs and hosts to the domain raters rated, offline."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
import tldextract
from hypothesis import given, settings
from hypothesis import strategies as st

from factsift.errors import InputError
from factsift.sources import domains
from factsift.sources.domains import MalformedDomain, parent_hosts, parse_host


@pytest.mark.parametrize(
    ("given_text", "host", "registrable", "path"),
    [
        ("truepundit.com", "truepundit.com", "truepundit.com", ()),
        ("https://www.nytimes.com/2017/01/20/us/politics/x.html", "nytimes.com", "nytimes.com", ("2017", "01")),
        ("HTTP://WWW.NYTimes.com.", "nytimes.com", "nytimes.com", ()),
        ("edition.cnn.com", "edition.cnn.com", "cnn.com", ()),
        ("bbc.co.uk/news/world-europe-123", "bbc.co.uk", "bbc.co.uk", ("news", "world-europe-123")),
        ("m.bbc.co.uk", "bbc.co.uk", "bbc.co.uk", ()),
        ("mobile.example.com", "example.com", "example.com", ()),
        ("amp.theguardian.com/world/2017/amp", "theguardian.com", "theguardian.com", ("world", "2017")),
        ("www2.example.org", "example.org", "example.org", ()),
        ("news.sky.com", "news.sky.com", "sky.com", ()),
        ("//truepundit.com/some-story/", "truepundit.com", "truepundit.com", ("some-story",)),
        ("nhs.uk", "nhs.uk", "nhs.uk", ()),
        ("www.nhs.uk", "nhs.uk", "nhs.uk", ()),
        ("m.co", "m.co", "m.co", ()),
        ("user:pw@example.com:8080/a", "example.com", "example.com", ("a",)),
    ],
)
def test_parse_host(given_text: str, host: str, registrable: str, path: tuple[str, ...]) -> None:
    parsed = parse_host(given_text)
    assert (parsed.host, parsed.registrable, parsed.path) == (host, registrable, path)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.google.com/amp/s/www.nytimes.com/2017/01/20/us/politics/x.amp.html",
        "https://www.google.co.uk/amp/www.nytimes.com/2017/01/20/x.amp.html",
        "https://www-nytimes-com.cdn.ampproject.org/c/s/www.nytimes.com/2017/01/20/x.amp.html",
        "https://www-nytimes-com.cdn.ampproject.org/v/s/www.nytimes.com/2017/01/20/x.amp.html?amp_js_v=0.1",
    ],
)
def test_amp_viewer_and_cache_urls_name_the_publisher(url: str) -> None:
    assert parse_host(url).host == "nytimes.com"


def test_google_urls_that_are_not_amp_stay_google() -> None:
    assert parse_host("https://www.google.com/search?q=amp").host == "google.com"


def test_unicode_hosts_become_punycode() -> None:
    assert parse_host("https://bücher.de/x").host == "xn--bcher-kva.de"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "not a domain",
        "localhost",
        "com",
        "foo.invalidtld",
        "192.168.1.1",
        "http://[::1]/",
        "ftp://x.com",
        "http://",
        "exa mple.com",
        "-bad-.com",
        "a..b.com",
        "http://exa_mple.com:99999/",
    ],
)
def test_malformed_input_is_an_input_error(bad: str) -> None:
    with pytest.raises(MalformedDomain) as info:
        parse_host(bad)
    assert isinstance(info.value, InputError)
    assert str(info.value)


def test_parent_hosts_stop_at_the_registrable_domain() -> None:
    assert parent_hosts(parse_host("a.b.news.bbc.co.uk")) == [
        "a.b.news.bbc.co.uk",
        "b.news.bbc.co.uk",
        "news.bbc.co.uk",
        "bbc.co.uk",
    ]


def test_public_suffix_lookup_makes_no_network_call_and_writes_no_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("TLDEXTRACT_CACHE", str(tmp_path / "cache2"))
    monkeypatch.setenv("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "https://publicsuffix.org/list/public_suffix_list.dat")
    domains._extractor.cache_clear()
    domains.registrable_domain.cache_clear()
    domains._outlet_host.cache_clear()
    try:
        assert parse_host("https://news.example.co.uk/x").registrable == "example.co.uk"
        assert parse_host("blog.example.com.au").registrable == "example.com.au"
        assert domains._extractor().suffix_list_urls == ()
        assert domains._extractor()._cache.enabled is False
    finally:
        domains._extractor.cache_clear()
        domains.registrable_domain.cache_clear()
        domains._outlet_host.cache_clear()
    assert list(tmp_path.iterdir()) == []


def test_the_default_extractor_would_fetch_so_ours_must_not_be_default() -> None:
    """Guard: tldextract's default fetches the list; make sure we are not using the default object."""
    assert tldextract.TLDExtract().suffix_list_urls != ()
    assert domains._extractor() is not tldextract.extract


_label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True).filter(
    lambda label: not re.fullmatch(r"www\d*|m|mobile|amp", label)
)
_suffix = st.sampled_from(["com", "org", "co.uk", "com.au", "de", "news"])
_prefix = st.sampled_from(["", "www.", "m.", "amp.", "mobile.", "www3."])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_text_parses_or_fails_with_a_clear_error(text: str) -> None:
    try:
        parsed = parse_host(text)
    except MalformedDomain as exc:
        assert str(exc)
        return
    assert parsed.host == parsed.host.lower()
    assert parsed.host.endswith(parsed.registrable)
    assert parse_host(parsed.host).host == parsed.host


@settings(max_examples=200, deadline=None)
@given(_prefix, _label, _suffix, st.sampled_from(["", "/", "/a/b", "/amp", "?x=1"]))
def test_edition_prefixes_and_paths_do_not_change_the_outlet(prefix: str, label: str, suffix: str, tail: str) -> None:
    plain = parse_host(f"{label}.{suffix}")
    edition = parse_host(f"https://{prefix}{label}.{suffix}{tail}")
    assert edition.host == plain.host == plain.registrable
    assert parse_host(edition.host) == plain
