"""The registry of alert streams: what a person can subscribe to. Plain Python (no Django import).

The alerts app knows nothing of articles, places or calls: each app above it registers its own streams in a
small `alerts.py` module (imported at start-up by `AlertsConfig.ready()`), reading its data through its own
selectors::

    from tierslieux.alerts.streams import Item, Stream, register

    def new_articles(params: dict, since: datetime, until: datetime) -> list[Item]:
        return [Item(key=f"article:{a.pk}", title=a.title, url=a.get_absolute_url(), summary=a.standfirst)
                for a in selectors.articles_published_between(since, until, tag=params.get("tag"))]

    register(Stream(
        key="news.articles",
        label=gettext_noop("Nouveaux articles"),
        new_items=new_articles,
        validate_params=lambda params: {"tag": params.get("tag", "")} ,  # canonical params, or raise
        describe=lambda params: ...,                                  # "Articles sur le tag « X »"
    ))

- `new_items(params, since, until)` returns the items that became new in the period `since < t <= until`
  (a place created, an article published, a wave opening…). The engine keeps, per address, which item keys
  it already mailed: an item is never sent twice to an address, whatever the streams that found it, and the
  period may overlap the previous one a little (`ALERTS_LOOKBACK`) so that an item committed late is not lost.
- `Item.key` is unique across the platform ("place:12", "article:4", "wave:3:deadline"…).
- `validate_params(params)` returns the canonical parameters (what is stored, compared and shown) or raises
  `tierslieux.core.errors.ServiceError` with a French message; the default accepts no parameter.
- `describe(params)` is the French label of one subscription ("Fablabs à 20 km de Périgueux").
- `public=False` streams are not offered on the subscription page (e.g. replies to one's comment, created by
  the comment form with its own consent).
- Another app may add items to an existing stream with `contribute(key, new_items)` (e.g. the events of a
  territory, registered by the app that owns events).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tierslieux.core.errors import ServiceError
from tierslieux.core.i18n import gettext as _

Params = dict[str, Any]


@dataclass(frozen=True)
class Item:
    """One new thing: `key` unique across the platform, `url` a path or an absolute URL."""

    key: str
    title: str
    url: str
    summary: str = ""
    date: datetime | None = None
    kind: str = ""  # a French label of its kind ("Nouveau lieu", "Nouvel article"), already translated


NewItems = Callable[[Params, datetime, datetime], list[Item]]


def no_params(params: Params) -> Params:
    """The default `validate_params`: the stream takes no parameter."""
    return {}


@dataclass(frozen=True)
class Stream:
    key: str  # "<app>.<name>", stable: stored in subscriptions and in the consent ledger
    label: str  # French, marked with gettext_noop; translated where shown
    new_items: NewItems
    validate_params: Callable[[Params], Params] = no_params
    describe: Callable[[Params], str] | None = None
    description: str = ""  # French, marked with gettext_noop: what the person will receive
    public: bool = True
    frequencies: tuple[str, ...] = ("immediate", "daily", "weekly")
    extra_sources: list[NewItems] = field(default_factory=list, compare=False)

    @property
    def title(self) -> str:
        return _(self.label)

    def describe_params(self, params: Params) -> str:
        """The French label of a subscription to this stream with `params`."""
        if self.describe is not None:
            return self.describe(params)
        return self.title

    def items(self, params: Params, since: datetime, until: datetime) -> list[Item]:
        """The items of this stream and of its contributed sources, each key once, oldest first."""
        found: dict[str, Item] = {}
        for source in (self.new_items, *self.extra_sources):
            for item in source(params, since, until):
                found.setdefault(item.key, item)
        return sorted(found.values(), key=lambda item: (item.date is None, item.date or since, item.key))


STREAMS: dict[str, Stream] = {}


def register(stream: Stream) -> Stream:
    """Declare `stream` (idempotent for the same key: a module imported twice registers once)."""
    existing = STREAMS.get(stream.key)
    if existing is not None:
        stream.extra_sources.extend(
            source for source in existing.extra_sources if source not in stream.extra_sources
        )
    STREAMS[stream.key] = stream
    return stream


def contribute(key: str, new_items: NewItems) -> None:
    """Add a source of items to the registered stream `key` (e.g. events to the territory stream)."""
    stream = STREAMS[key]
    if new_items not in stream.extra_sources:
        stream.extra_sources.append(new_items)


def get(key: str) -> Stream:
    """The stream `key`; an unknown key is a French 400 refusal."""
    stream = STREAMS.get(key)
    if stream is None:
        raise ServiceError(_("Ce type d’alerte n’existe pas."), status=400)
    return stream


def public_streams() -> list[Stream]:
    return [stream for key, stream in sorted(STREAMS.items()) if stream.public]
