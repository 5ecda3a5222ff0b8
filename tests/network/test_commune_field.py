"""A listing's own commune (and an event's, a mentoring request's, a profile's): the commune combobox. The code
the autocomplete chose wins while the text still names it; otherwise the text is resolved, and an unknown or
ambiguous commune gets the resolver's French message with what was typed kept."""

import datetime as dt

from django.utils import timezone

from tierslieux.network.forms.offers import ListingForm
from tierslieux.network.models import Listing


def posted(commune: str, insee: str = "") -> dict:
    return {
        "side": "need",
        "kind": "equipment",
        "category": "fabrication",
        "title": "Cherche une découpeuse laser",
        "commune": commune,
        "commune_insee": insee,
        "radius_km": "30",
        "terms": "exchange",
        "valid_until": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
    }


def commune_of(data: dict):
    form = ListingForm(data, places=Listing.objects.none())
    assert form.is_valid(), form.errors
    return form.cleaned_data["commune"]


def error_of(data: dict) -> list[str]:
    form = ListingForm(data, places=Listing.objects.none())
    assert not form.is_valid()
    return form.errors["commune"]


def test_the_chosen_code_wins_while_the_text_names_it(two_saint_pierre, brest):
    assert commune_of(posted("Saint-Pierre (29)", "29999")).insee == "29999"
    assert commune_of(posted("Saint-Pierre", "29999")).insee == "29999"
    assert commune_of(posted("Brest", "29999")).insee == "29019"  # edited since the choice: the text decides
    assert commune_of(posted("Brest", "00000")).insee == "29019"  # an unknown code is ignored


def test_typed_text_falls_back_to_the_resolver(two_saint_pierre, brest):
    assert commune_of(posted("Saint-Pierre (29)")).insee == "29999"
    assert commune_of(posted("29200")).insee == "29019"
    assert commune_of(posted("brest")).insee == "29019"
    assert commune_of(posted("")) is None  # optional: the service says when it is needed


def test_an_unknown_or_ambiguous_commune_is_named(two_saint_pierre):
    assert error_of(posted("Saint-Pierre")) == [
        "Plusieurs communes s’appellent « Saint-Pierre » : Saint-Pierre (69), Saint-Pierre (29). "
        "Précisez le code postal."
    ]
    assert error_of(posted("Nulle-Part-sur-Mer")) == ["Aucune commune ne s’appelle « Nulle-Part-sur-Mer »."]
    assert error_of(posted("99999")) == ["Aucune commune n’a le code 99999 (code postal ou code INSEE)."]


def test_the_listing_form_keeps_what_was_typed_and_saves_the_chosen_commune(
    client_for, plain_user, two_saint_pierre
):
    client = client_for(plain_user)
    response = client.get("/reseau/annonces/nouvelle/")
    html = response.content.decode()
    assert 'role="combobox"' not in html  # the script makes it a combobox
    assert "data-tl-commune" in html and "geo/tl-commune.js" in html and 'name="commune_insee"' in html
    response = client.post("/reseau/annonces/nouvelle/", posted("Saint-Pierre"))
    html = response.content.decode()
    assert response.status_code == 400 and Listing.objects.count() == 0
    assert "Plusieurs communes s’appellent « Saint-Pierre »" in html and 'value="Saint-Pierre"' in html
    response = client.post("/reseau/annonces/nouvelle/", posted("Saint-Pierre (29)", "29999"))
    listing = Listing.objects.get()
    assert response.status_code == 302 and listing.commune_id == "29999"
    # The edit form shows the commune as its label, with its code.
    html = client.get(f"/reseau/annonces/{listing.pk}/modifier/").content.decode()
    assert 'value="Saint-Pierre (29)"' in html and 'name="commune_insee" value="29999"' in html
