"""Comparing two pieces of HTML as a browser reads them: the same tags with the same attributes
(in any order) and the same text, whatever the whitespace between them."""

from __future__ import annotations

from html.parser import HTMLParser


class Markup(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.parts: list = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.parts.append((tag, sorted(attrs)))

    def handle_endtag(self, tag):
        self.parts.append(("/", tag))

    def handle_data(self, data):
        if data.strip():
            self.parts.append(" ".join(data.split()))


def same(a: str, b: str) -> bool:
    return Markup(a).parts == Markup(b).parts
