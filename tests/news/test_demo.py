"""The demo news (dev settings only): articles — the 2018 mission's conclusions among them —, comments waiting
for moderation, subscriptions; idempotent."""

import pytest
from django.core.management import CommandError, call_command

from tierslieux.alerts.models import Subscription
from tierslieux.news import workflow
from tierslieux.news.models import Article, Comment

pytestmark = pytest.mark.django_db


def test_demo_news_exist_only_with_dev_settings(settings):
    settings.DEMO_ACCOUNTS = False
    with pytest.raises(CommandError):
        call_command("load_demo_news")
    assert not Article.objects.exists()


def test_demo_news_are_labelled_and_idempotent(settings, django_capture_on_commit_callbacks):
    settings.DEMO_ACCOUNTS = True
    call_command("load_demo_calls")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_news")
        call_command("load_demo_news")
    assert Article.objects.count() == 4
    assert all(article.tags.filter(name="Démonstration").exists() for article in Article.objects.all())
    mission = Article.objects.get(title__contains="Coworking : territoires, travail, numérique")
    for words in (
        "dynamique",
        "fragile",
        "28 recommandations",
        "300 « Fabriques de territoire »",
        "accompagne",
        "faire ensemble",
    ):
        assert words in mission.body, words
    assert mission.status == workflow.PUBLISHED
    assert Article.objects.filter(status=workflow.SCHEDULED).count() == 1
    assert Comment.objects.filter(status=workflow.PENDING).count() == 2
    assert Subscription.objects.filter(status="active").count() == 2
    assert Subscription.objects.filter(status="pending").count() == 1
