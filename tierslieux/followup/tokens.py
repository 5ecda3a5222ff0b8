"""The personal link of a census invitation: a signed token naming the campaign, the place and the manager it
was sent to (Django's signing, keyed by SECRET_KEY: it cannot be forged or changed). It lets that manager answer
for that place without signing in, as long as the campaign is open and they still manage the place; it grants
nothing else."""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

SALT = "tierslieux.followup.census"


@dataclass(frozen=True)
class CensusToken:
    campaign_id: int
    place_id: int
    user_id: int


def census_token(*, campaign_id: int, place_id: int, user_id: int) -> str:
    return signing.dumps([campaign_id, place_id, user_id], salt=SALT, compress=False)


def read_census_token(token: str) -> CensusToken | None:
    """The invitation a token stands for, or None when it was forged, altered or truncated."""
    try:
        campaign_id, place_id, user_id = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not all(isinstance(value, int) for value in (campaign_id, place_id, user_id)):
        return None
    return CensusToken(campaign_id, place_id, user_id)
