"""The news stream of the alerts: a new article (all, or one tag) reaches its subscribers once, in the
digest of their frequency, from the sign-up box of the news pages."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.alerts.helpers import active_subscription
from tests.factories.news import ArticleFactory, TagFactory
from tierslieux.alerts import streams
from tierslieux.core.errors import ServiceError
from tierslieux.core.jobs import run_job
from tierslieux.news import services, workflow

pytestmark = pytest.mark.django_db(transaction=True)
PARIS = ZoneInfo("Europe/Paris")
AT = datetime(2031, 6, 2, 7, 0, tzinfo=PARIS)


def test_a_published_article_reaches_the_subscribers_of_its_tag_once(editor, mailbox):
    tag = TagFactory(name="Appels", slug="appels")
    active_subscription(
        "tous@example.org", at=AT - timedelta(days=3), stream="news.articles", frequency="daily"
    )
    active_subscription(
        "appels@example.org",
        at=AT - timedelta(days=3),
        stream="news.articles",
        params={"tag": "appels"},
        frequency="daily",
    )
    tagged = ArticleFactory(title="Vague ouverte", tags=[tag], status=workflow.DRAFT, published_at=None)
    ArticleFactory(title="Portrait", published_at=AT - timedelta(hours=5))
    services.article_schedule(
        article=tagged, user=editor, publish_at=AT - timedelta(hours=2), now=AT - timedelta(days=1)
    )
    run_job("news.publish_scheduled", now=AT - timedelta(hours=2))
    run_job("alerts.send_daily", now=AT)
    everything = mailbox.wait_for("tous@example.org")[0]
    only_tag = mailbox.wait_for("appels@example.org")[0]
    assert re.findall(
        r"^\[Nouvel article\] (Vague ouverte|Portrait)\s*$", mailbox.text(everything), flags=re.MULTILINE
    ) == ["Portrait", "Vague ouverte"]
    assert "Vague ouverte" in mailbox.text(only_tag) and "Portrait" not in mailbox.text(only_tag)
    assert "Nouveaux articles : « Appels »" in only_tag["Subject"]
    run_job("alerts.send_daily", now=AT + timedelta(days=1))
    assert len(mailbox.to("tous@example.org")) == 1


def test_the_news_stream_checks_its_tag():
    stream = streams.get("news.articles")
    assert stream.validate_params({}) == {} and stream.describe_params({}) == "Nouveaux articles"
    with pytest.raises(ServiceError):
        stream.validate_params({"tag": "inconnue"})


def test_the_news_pages_carry_the_alert_box(client):
    TagFactory(name="Appels", slug="appels")
    content = client.get("/actualites/").content.decode()
    assert "Alerte email" in content and "recevoir une alerte dès qu’un nouvel article est publié" in content
    assert 'name="stream" value="news.articles"' in content and 'name="params" value="{}"' in content
    tagged = client.get("/actualites/etiquette/appels/").content.decode()
    assert 'name="params" value="{&quot;tag&quot;: &quot;appels&quot;}"' in tagged
