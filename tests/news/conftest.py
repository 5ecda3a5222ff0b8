"""Fixtures of the news tests: an editor, fresh rate limits, media in a temporary folder, and no minimum
fill time on the comment form unless a test sets one."""

import io

import pytest
from PIL import Image

from tests.conftest import _user_with_role
from tests.factories.news import ArticleFactory
from tierslieux.accounts.roles import Role


@pytest.fixture(autouse=True)
def _news_settings(settings, tmp_path):
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.NEWS_COMMENT_MIN_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor(db):
    return _user_with_role(
        Role.EDITOR, email="redaction@example.org", first_name="Rémi", last_name="Rédacteur"
    )


@pytest.fixture
def article(db):
    return ArticleFactory(title="Les Fabriques de territoire", slug="les-fabriques")


def image_bytes(kind: str = "PNG", size=(60, 40), exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (0, 0, 145))
    if exif is not None:
        image.save(out, format=kind, exif=exif)
    else:
        image.save(out, format=kind)
    return out.getvalue()


@pytest.fixture
def brest(db):
    from tests.factories.geo import CommuneFactory

    return CommuneFactory(insee="29019", name="Brest", postcodes="29200", population=140_000)


@pytest.fixture
def two_saint_pierre(db):
    """Saint-Pierre (69), the most populated, and Saint-Pierre (29): a name the picker must not guess."""
    from tests.factories.geo import two_saint_pierre

    return two_saint_pierre()
