"""The alert sign-up box, for the pages of any app: `{% load alerts_tags %}{% alert_box "news.articles" %}`.

    {% alert_box "news.articles" source="news.list" tag=tag.slug %}
    {% alert_box "places.saved_search" source="places.atlas" query=request.GET title=… %}

Keyword arguments other than `source`, `title`, `text`, `query`, `box_id` and `frequency` are the stream's
parameters; `query` adds those of a query string (the atlas filters). Parameters the stream refuses: no box."""

from __future__ import annotations

import json

from django import template

from tierslieux.core.errors import ServiceError

from .. import streams
from ..forms import CONSENT_TEXT, params_from_query
from ..models import Frequency

register = template.Library()


@register.inclusion_tag("alerts/_box.html", takes_context=True)
def alert_box(
    context,
    stream_key: str,
    *,
    source: str = "",
    title: str = "",
    text: str = "",
    query=None,
    box_id: str = "alerte",
    frequency: str = Frequency.WEEKLY,
    **params,
):
    stream = streams.STREAMS.get(stream_key)
    if stream is None:
        return {"hidden": True}
    raw = params_from_query(query) if query is not None else {}
    raw.update({key: value for key, value in params.items() if value not in (None, "")})
    try:
        canonical = stream.validate_params(raw)
    except ServiceError:
        return {"hidden": True}
    user = context.get("user")
    return {
        "stream": stream,
        "params_json": json.dumps(canonical, ensure_ascii=False),
        "source": source or stream.key,
        "title": title or stream.title,
        "text": text or stream.describe_params(canonical),
        "box_id": box_id,
        "frequency": frequency,
        "frequencies": [(code, label) for code, label in Frequency.choices if code in stream.frequencies],
        "email": user.email if getattr(user, "is_authenticated", False) else "",
        "consent_text": CONSENT_TEXT,
    }


@register.inclusion_tag("alerts/_my_alerts.html")
def my_alerts(user):
    """The alerts of a signed-in person, for their profile page."""
    from ..selectors import live_subscriptions, recipients_of_user

    return {"subscriptions": list(live_subscriptions(recipients_of_user(user))[:20])}
