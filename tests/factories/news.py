"""Factories of the news: tags, articles (published by default) and comments."""

import factory
from django.utils import timezone

from tests.factories.accounts import UserFactory
from tierslieux.news import workflow
from tierslieux.news.models import Article, Comment, Tag


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Étiquette {n}")
    slug = factory.Sequence(lambda n: f"etiquette-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article; `status=workflow.DRAFT, published_at=None` for a draft."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    standfirst = "Un chapô qui résume l’article."
    body = "## Intertitre\n\nUn texte en **Markdown**."
    author = factory.SubFactory(UserFactory)
    status = workflow.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.add(*extracted)


class CommentFactory(factory.django.DjangoModelFactory):
    """An approved comment by an anonymous author."""

    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    author_name = factory.Sequence(lambda n: f"Lecteur {n}")
    author_email = factory.Sequence(lambda n: f"lecteur{n}@example.org")
    body = "Merci pour cet article."
    status = workflow.APPROVED
    created_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyFunction(timezone.now)
    published_at = factory.LazyFunction(timezone.now)


def news_world(*, editor, commenter, text: str = "Merci pour cet article.") -> dict:
    """A tag, a published article with open comments (by `editor`), an approved comment of `commenter`
    (signed in, just posted: still within its edit window) and an anonymous comment waiting for its email
    confirmation (`token`: the link of that email)."""
    from tierslieux.news.services import confirm_token

    tag = TagFactory(name="Fabriques", slug="fabriques")
    article = ArticleFactory(author=editor, comments_open=True, tags=[tag])
    comment = CommentFactory(
        article=article,
        user=commenter,
        author_name=commenter.display_name,
        author_email=commenter.email,
        body=text,
    )
    waiting = CommentFactory(
        article=article,
        body=text,
        status=workflow.UNCONFIRMED,
        confirmed_at=None,
        published_at=None,
    )
    return {
        "tag": tag,
        "article": article,
        "comment": comment,
        "waiting": waiting,
        "token": confirm_token(waiting),
    }
