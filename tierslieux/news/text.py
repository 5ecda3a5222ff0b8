"""Texts people write, made safe to show: article bodies (Markdown without raw HTML) and comments (plain text
with links). Both are sanitised by nh3 as a second line of defence: no script, no event attribute, links only
to http(s) (and mailto in articles) — never `javascript:`."""

from __future__ import annotations

import re

import markdown
import nh3
from django.utils.html import escape, linebreaks, urlize
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension

ARTICLE_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "code", "pre", "hr",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+")


class NoRawHtml(Extension):
    """Raw HTML in the Markdown source is shown as text, not interpreted: the block and inline HTML
    processors of Python-Markdown are removed."""

    def extendMarkdown(self, md):
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


def article_html(text: str) -> SafeString:
    """The body of an article: Markdown (tables, lists), raw HTML escaped, then sanitised."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists", NoRawHtml()])
    clean = nh3.clean(
        html,
        tags=ARTICLE_TAGS,
        attributes={"a": {"href", "title"}, "th": {"scope"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 (sanitised by nh3 just above)


def count_links(text: str) -> int:
    """The number of web addresses in a comment."""
    return len(URL.findall(text or ""))


def comment_html(text: str) -> SafeString:
    """A comment: plain text (escaped), paragraphs, addresses made links marked `rel="nofollow ugc"`."""
    html = linebreaks(urlize(escape(text or ""), trim_url_limit=60, nofollow=True, autoescape=False))
    clean = nh3.clean(
        html,
        tags={"p", "br", "a"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel="nofollow ugc noopener",
    )
    return mark_safe(clean)  # noqa: S308 (sanitised by nh3 just above)


def plain_excerpt(text: str, length: int = 300) -> str:
    """A short plain-text excerpt of Markdown (feeds, alerts)."""
    words = re.sub(r"[#*_`>\[\]()|-]+", " ", text or "").split()
    excerpt = " ".join(words)
    return excerpt if len(excerpt) <= length else excerpt[: length - 1].rsplit(" ", 1)[0] + "…"
