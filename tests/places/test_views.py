import json

import pytest
from django.urls import reverse

from tests.factories.places import PlaceFactory
from tierslieux.places.models import Place
from tierslieux.places.services import place_add_manager, place_create, place_update

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [p.name for p in response.context["places"]]


def test_atlas_lists_and_filters_without_javascript(client, places):
    response = client.get(reverse("places:atlas"))
    assert response.status_code == 200
    assert names(response) == ["Coworking Croix-Rousse", "Garage solidaire de Lyon", "La Forge Numérique"]
    assert 'id="atlas-filters"' in response.content.decode()
    assert names(client.get("/lieux/?type=fablab")) == ["La Forge Numérique"]
    assert names(client.get("/lieux/?type=fablab&type=coworking")) == [
        "Coworking Croix-Rousse",
        "La Forge Numérique",
    ]
    assert names(client.get("/lieux/?service=machines")) == ["La Forge Numérique"]
    assert names(client.get("/lieux/?label=fabrique_territoire")) == ["La Forge Numérique"]
    assert names(client.get("/lieux/?status=temporarily_closed")) == ["Coworking Croix-Rousse"]
    assert names(client.get("/lieux/?region=84")) == ["Coworking Croix-Rousse", "Garage solidaire de Lyon"]
    assert names(client.get("/lieux/?department=29")) == ["La Forge Numérique"]
    assert names(client.get("/lieux/?commune=69123&type=garage_solidaire")) == ["Garage solidaire de Lyon"]
    assert names(client.get("/lieux/?open_now=1")) == ["La Forge Numérique"]


def test_search_is_accent_insensitive_and_typo_tolerant(client, places):
    assert names(client.get("/lieux/?q=forge+numerique")) == ["La Forge Numérique"]
    assert names(client.get("/lieux/?q=cowrking+croix")) == ["Coworking Croix-Rousse"]
    assert names(client.get("/lieux/?q=LYON")) == ["Coworking Croix-Rousse", "Garage solidaire de Lyon"]


def test_around_a_commune_or_a_position_sorts_by_distance(client, places):
    response = client.get("/lieux/?around=Brest")
    assert names(response) == ["La Forge Numérique", "Coworking Croix-Rousse", "Garage solidaire de Lyon"]
    assert "0,3 km" in response.content.decode()
    response = client.get("/lieux/?lat=45.75&lon=4.85")
    assert names(response)[0] == "Garage solidaire de Lyon"
    assert names(client.get("/lieux/?around=69002&radius=10")) == [
        "Coworking Croix-Rousse",
        "Garage solidaire de Lyon",
    ]


def test_around_uses_the_commune_the_autocomplete_chose(client, two_saint_pierre):
    from tierslieux.places.alerts import saved_search_params

    assert names(client.get("/lieux/?around=Saint-Pierre"))[-1] == "La Forge Numérique"  # Brest last
    response = client.get("/lieux/?around=Saint-Pierre+%2829%29&around_insee=29999")
    assert names(response)[0] == "La Forge Numérique"
    html = response.content.decode()
    assert 'name="around_insee" value="29999"' in html and 'value="Saint-Pierre (29)"' in html
    assert "data-tl-commune" in html and "geo/tl-commune.js" in html
    # Pages, exports and saved searches keep the choice.
    assert "around_insee=29999" in response.context["query"]
    assert (
        saved_search_params({"around": "Saint-Pierre (29)", "around_insee": "29999"})["around_insee"]
        == "29999"
    )
    # The text edited since the choice: the text decides (and saved searches drop the stale code).
    response = client.get("/lieux/?around=Lyon&around_insee=29999")
    assert names(response)[0] != "La Forge Numérique" and response.context["filters"].around_insee == ""
    # Without JavaScript, a label typed by hand is understood too.
    assert names(client.get("/lieux/?around=Saint-Pierre+%2829%29&around_insee="))[0] == "La Forge Numérique"


def test_bad_filters_get_a_french_message_not_an_error(client, places):
    response = client.get(
        "/lieux/?type=discotheque&lat=abc&lon=2&around=Nulle-Part-sur-Mer&page=999&region=<b>"
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Filtre type inconnu ignoré" in content
    assert "Position invalide" in content
    assert "Commune ou code postal introuvable" in content
    assert "<b>" not in content.split('id="atlas-results"')[1]


def test_htmx_request_gets_the_list_fragment(client, places):
    response = client.get("/lieux/?type=fablab", headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "La Forge Numérique" in content and "<html" not in content


def test_place_page_is_public_escapes_html_and_hides_private_data(client, places):
    response = client.get(places["forge"].get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "<script>alert" not in content and "&lt;script&gt;alert" in content
    assert "Jeanne" not in content and "jeanne.secret" not in content
    ld = json.loads(
        content.split('<script type="application/ld+json"')[1].split(">", 1)[1].split("</script>")[0]
    )
    assert ld["@type"] == "Place" and ld["geo"]["latitude"] == 48.39
    assert "Coworking Croix-Rousse" in content  # nearest places
    assert "Historique des modifications" not in content
    assert client.get("/lieux/nulle-part/").status_code == 404


@pytest.fixture
def history_setup(places, place_manager):
    forge = places["forge"]
    place_add_manager(place=forge, user=place_manager)
    other_manager_place = places["cowork"]
    forge = place_update(place=forge, data={"name": "Nom vandalisé"}, user=place_manager, reason="test")
    return forge, other_manager_place


def test_history_permissions(client_for, history_setup, place_manager, plain_user, programme_staff):
    forge, cowork = history_setup
    url = reverse("places:history", args=[forge.slug])
    assert client_for(None).get(url).status_code == 302
    assert client_for(plain_user).get(url).status_code == 403
    place_add_manager(place=cowork, user=plain_user)  # manager of another place
    assert client_for(plain_user).get(url).status_code == 403
    response = client_for(place_manager).get(url)
    assert response.status_code == 200 and "Nom vandalisé" in response.content.decode()
    assert "Annuler cette modification" not in response.content.decode()
    assert "jeanne.secret" not in response.content.decode()
    response = client_for(programme_staff).get(url)
    assert "Annuler cette modification" in response.content.decode()


def test_revert_permissions(client_for, history_setup, place_manager, plain_user, programme_staff):
    forge, _cowork = history_setup
    version = forge.versions.first()
    url = reverse("places:revert", args=[forge.slug, version.pk])
    assert client_for(None).post(url).status_code == 302
    assert client_for(plain_user).post(url).status_code == 403
    assert client_for(place_manager).post(url).status_code == 403
    assert client_for(programme_staff).get(url).status_code == 405
    assert Place.objects.get(pk=forge.pk).name == "Nom vandalisé"
    response = client_for(programme_staff).post(url)
    assert response.status_code == 302
    assert Place.objects.get(pk=forge.pk).name == "La Forge Numérique"


def test_reverting_a_creation_is_a_409_with_the_reason(client_for, history_setup, programme_staff):
    forge, _cowork = history_setup
    creation = forge.versions.order_by("pk").first()
    response = client_for(programme_staff).post(reverse("places:revert", args=[forge.slug, creation.pk]))
    assert response.status_code == 409
    content = response.content.decode()
    assert "La création d’un lieu ne peut pas être annulée ainsi." in content and "Nom vandalisé" in content
    assert Place.objects.get(pk=forge.pk).name == "Nom vandalisé"


@pytest.mark.parametrize(
    ("who", "history", "revert"),
    [("applicant", 403, 403), ("reviewer", 403, 403), ("administrator", 200, 302)],
)
def test_history_and_revert_for_the_other_roles(request, client_for, history_setup, who, history, revert):
    forge, _cowork = history_setup
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("places:history", args=[forge.slug])).status_code == history
    version = forge.versions.first()
    assert client.post(reverse("places:revert", args=[forge.slug, version.pk])).status_code == revert
    reverted = Place.objects.get(pk=forge.pk).name == "La Forge Numérique"
    assert reverted is (revert == 302)


def test_duplicate_slug_is_never_created(places):
    again = place_create(
        data={
            "name": "La Forge Numérique",
            "lon": -4.49,
            "lat": 48.39,
            "commune": places["forge"].commune,
            "slug": places["forge"].slug,
        }
    )
    assert again.slug != places["forge"].slug


def test_factory_places_show_in_the_atlas(client):
    PlaceFactory(name="Le Lieu Factory")
    assert names(client.get("/lieux/?q=factory")) == ["Le Lieu Factory"]


def test_filter_form_keeps_what_was_typed(client, places):
    client.get("/lieux/")
    content = client.get("/lieux/?q=forje&type=fablab").content.decode()
    assert 'value="forje"' in content
    checked = [line for line in content.splitlines() if 'value="fablab"' in line and "checked" in line]
    assert checked
    assert "checked" not in "".join(
        line for line in client.get("/lieux/").content.decode().splitlines() if 'value="fablab"' in line
    )


@pytest.mark.parametrize("role", [None, "plain_user", "place_manager", "programme_staff", "administrator"])
def test_public_pages_for_every_role(request, client_for, places, role):
    user = request.getfixturevalue(role) if role else None
    client = client_for(user)
    forge = places["forge"]
    for url in (
        "/lieux/",
        forge.get_absolute_url(),
        "/lieux/export.csv",
        "/lieux/export.xlsx",
        "/lieux/export.geojson",
        "/donnees/schema-tiers-lieux.json",
        "/api/v1/places",
        f"/api/v1/places/{forge.pk}",
        "/api/v1/places/clusters?zoom=5",
    ):
        assert client.get(url).status_code == 200, (role, url)
    history = client.get(reverse("places:history", args=[forge.slug])).status_code
    assert history == {None: 302, "plain_user": 403, "place_manager": 403}.get(role, 200)
