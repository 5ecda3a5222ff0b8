"""What the pages of other apps show from the news, without importing it (layers point down): their templates
load this library.

    {% load news_tags %}{% linked_articles place %}      (a place, region, department, commune or call)
"""

from django import template

from .. import selectors, services
from ..text import comment_html as render_comment

register = template.Library()


@register.inclusion_tag("news/_linked_articles.html")
def linked_articles(obj, heading_level: int = 2):
    """The published articles that link `obj` (none: nothing is shown)."""
    return {"articles": selectors.articles_linked_to(obj), "heading": f"h{heading_level}"}


@register.filter
def comment_html(text: str):
    """A comment's text: escaped, paragraphs, links marked rel="nofollow ugc"."""
    return render_comment(text)


@register.simple_tag(takes_context=True)
def author_may_edit(context, comment) -> bool:
    """True when the person reading is the comment's author and its 15 minutes are not over."""
    request = context.get("request")
    if request is None:
        return False
    session_ids = request.session.get("news_comments", [])
    return selectors.is_comment_author(comment, request.user, session_ids) and services.within_edit_window(
        comment
    )
