"""Keeping a place up to date: the manager edits everything the place holds (hours, exceptions, contact route,
accessibility, labels confirmed by staff, SIRET/RNA, social links, equipment, photos); claims are acknowledged
by email and listed on "Mes contributions"."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from tests.factories.contributions import (  # noqa: F401 (fixtures)
    ClaimFactory,
    ErrorReportFactory,
    ProposalFactory,
    atlas_fixture,
    fresh_rate_limits_fixture,
)
from tests.places.manage_helpers import manager_form_data
from tierslieux.places import images
from tierslieux.places.contributions import services
from tierslieux.places.contributions.models import ContactMessage, Proposal
from tierslieux.places.models import PlacePhoto
from tierslieux.places.services import photo_add, place_add_manager

VALID_SIRET = "73282932000074"  # Luhn-valid (SIREN 732829320)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def managed(atlas, place_manager):
    place_add_manager(place=atlas["port"], user=place_manager)
    return atlas["port"]


def jpeg(width=3000, height=2000, *, orientation=None, make="Téléphone") -> bytes:
    image = Image.new("RGB", (width, height), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = make  # camera make
    exif[0x8825] = {1: "N", 2: (48.0, 5.0, 34.0)}  # a GPS position
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


# --- Permissions ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["edit", "photos"])
def test_only_managers_and_staff_reach_the_manager_pages(
    client_for, managed, plain_user, place_manager, programme_staff, name
):
    url = reverse(f"contributions:{name}", args=[managed.slug])
    response = client_for(None).get(url)
    assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]
    assert client_for(plain_user).get(url).status_code == 403
    assert client_for(place_manager).get(url).status_code == 200
    assert client_for(programme_staff).get(url).status_code == 200


# --- The whole record -------------------------------------------------------------------------------------------
def test_manager_edits_hours_exceptions_contact_accessibility_structure_and_social_links(
    client_for, managed, place_manager
):
    data = manager_form_data(
        managed,
        hours_mo_1_start="09:00",
        hours_mo_1_end="12:30",
        hours_mo_2_start="14:00",
        hours_mo_2_end="18:00",
        hours_sa_1_start="10:00",
        hours_sa_1_end="00:00",
        contact_route="phone",
        contact_phone="02.98.12.34.56",
        accessibility=["plain_pied", "sanitaires"],
        legal_form="association",
        siret="732 829 320 00074",
        rna="w291234567",
        surface_m2="250",
        opening_date="2021-12-01",
        social_links="https://mastodon.example/@fabrique\nwww.instagram.com/fabrique",
        exceptions=[
            {"start": "2027-08-01", "end": "2027-08-21", "closed": True, "label": "Congés d’été"},
            {"start": "2027-12-24", "opens": "09:00", "closes": "12:00"},
        ],
        equipment=[{"category": "fabrication", "name": "Découpeuse laser"}],
    )
    response = client_for(place_manager).post(reverse("contributions:edit", args=[managed.slug]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    managed.refresh_from_db()
    assert managed.opening_hours == {
        "mo": [["09:00", "12:30"], ["14:00", "18:00"]],
        "sa": [["10:00", "24:00"]],
    }
    assert managed.opening_exceptions == [
        {"start": "2027-08-01", "end": "2027-08-21", "hours": [], "label": "Congés d’été"},
        {"start": "2027-12-24", "end": "2027-12-24", "hours": [["09:00", "12:00"]], "label": ""},
    ]
    assert (managed.contact_route, managed.contact_phone) == ("phone", "02 98 12 34 56")
    assert managed.accessibility == ["plain_pied", "sanitaires"]
    assert (managed.siret, managed.rna, managed.legal_form, managed.surface_m2) == (
        VALID_SIRET,
        "W291234567",
        "association",
        250,
    )
    assert managed.social_links == [
        "https://mastodon.example/@fabrique",
        "https://www.instagram.com/fabrique",
    ]
    assert managed.equipment == [{"category": "fabrication", "name": "Découpeuse laser"}]
    assert str(managed.opening_date) == "2021-12-01"
    version = managed.versions.first()
    assert version.user == place_manager and {"opening_hours", "contact_route", "siret"} <= set(
        version.changes
    )

    page = client_for(None).get(managed.get_absolute_url()).content.decode()
    assert 'href="tel:0298123456"' in page and 'id="contact-message"' not in page  # reached by phone, no form
    assert "du 1er août 2027 au 21 août 2027" in page and "Congés d’été" in page
    assert "Sanitaires adaptés" in page and "Découpeuse laser" in page


@pytest.mark.parametrize(
    ("extra", "field_message"),
    [
        ({"siret": "73282932000075"}, "n’est pas valide (clé de contrôle)"),
        ({"siret": "1234"}, "doit comporter 14 chiffres"),
        ({"rna": "X123"}, "doit avoir la forme W suivie de 9 caractères"),
        ({"social_links": "\n".join(f"https://exemple.fr/{i}" for i in range(6))}, "Cinq adresses au plus"),
        (
            {"hours_tu_1_start": "18:00", "hours_tu_1_end": "09:00"},
            "Mardi : la fermeture doit suivre l’ouverture",
        ),
        ({"hours_we_1_start": "09:00"}, "Mercredi : indiquez l’heure d’ouverture et celle de fermeture"),
        ({"contact_route": "phone", "contact_phone": ""}, "Indiquez le numéro de téléphone"),
        ({"contact_phone": "12"}, "n’est pas un numéro de téléphone"),
    ],
)
def test_refused_values_give_a_400_with_the_error_summary_and_keep_what_was_typed(
    client_for, managed, place_manager, extra, field_message
):
    data = manager_form_data(managed, address="Quai Carnot", **extra)
    response = client_for(place_manager).post(reverse("contributions:edit", args=[managed.slug]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert field_message in html and 'id="error-summary"' in html and 'value="Quai Carnot"' in html
    managed.refresh_from_db()
    assert managed.address == "" and managed.versions.count() == 1


def test_a_bad_exception_is_refused(client_for, managed, place_manager):
    data = manager_form_data(
        managed, exceptions=[{"start": "2027-08-21", "end": "2027-08-01", "closed": True}]
    )
    response = client_for(place_manager).post(reverse("contributions:edit", args=[managed.slug]), data)
    assert response.status_code == 400 and "La date de fin suit la date de début" in response.content.decode()


# --- Labels, confirmed by staff ---------------------------------------------------------------------------------
def test_labels_declared_by_a_manager_wait_for_staff(client_for, managed, place_manager, programme_staff):
    url = reverse("contributions:edit", args=[managed.slug])
    response = client_for(place_manager).post(url, manager_form_data(managed, labels=["fabrique_territoire"]))
    assert response.status_code == 302
    managed.refresh_from_db()
    assert managed.labels == []  # not shown before staff confirm
    proposal = Proposal.objects.get(place=managed, status="pending")
    assert proposal.data == {"labels": ["fabrique_territoire"]} and proposal.author == place_manager
    assert "attend la confirmation" in client_for(place_manager).get(url).content.decode()
    # A second declaration replaces the waiting one.
    client_for(place_manager).post(url, manager_form_data(managed, labels=["manufacture_proximite"]))
    assert Proposal.objects.filter(place=managed, status="pending").count() == 1
    latest = Proposal.objects.get(place=managed, status="pending")
    services.proposal_accept(proposal=latest, user=programme_staff)
    managed.refresh_from_db()
    assert managed.labels == ["manufacture_proximite"]
    # Staff change labels directly.
    client_for(programme_staff).post(url, manager_form_data(managed, labels=[]))
    managed.refresh_from_db()
    assert managed.labels == [] and not Proposal.objects.filter(place=managed, status="pending").exists()


# --- Photos ------------------------------------------------------------------------------------------------------
def test_photos_are_checked_by_content_resized_and_stripped_of_metadata(client_for, managed, place_manager):
    url = reverse("contributions:photos", args=[managed.slug])
    upload = io.BytesIO(jpeg(orientation=6))
    upload.name = "atelier.jpg"
    response = client_for(place_manager).post(
        url, {"image": upload, "alt": "L’atelier bois, établis et machines"}
    )
    assert response.status_code == 302
    photo = PlacePhoto.objects.get(place=managed)
    with Image.open(photo.image.path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (1067, 1600)  # turned upright (EXIF orientation 6), longest side 1600
        assert dict(stored.getexif()) == {}  # no camera make, no GPS position
    assert (photo.width, photo.height) == (1067, 1600) and photo.uploaded_by == place_manager
    served = client_for(None).get(photo.get_absolute_url())
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    page = client_for(None).get(managed.get_absolute_url()).content.decode()
    assert f'src="{photo.get_absolute_url()}" alt="L’atelier bois, établis et machines"' in page


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"<script>alert(1)</script>", "photo.jpg", "n’est pas une image lisible"),
        (b"%PDF-1.4 not an image", "photo.png", "n’est pas une image lisible"),
        (None, "anim.gif", "Seules les photos JPEG, PNG ou WebP"),
    ],
)
def test_files_that_are_not_photos_are_refused(client_for, managed, place_manager, content, name, message):
    if content is None:
        out = io.BytesIO()
        Image.new("RGB", (10, 10)).save(out, format="GIF")
        content = out.getvalue()
    upload = io.BytesIO(content)
    upload.name = name
    response = client_for(place_manager).post(
        reverse("contributions:photos", args=[managed.slug]), {"image": upload, "alt": "Une façade"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'value="Une façade"' in html
    assert not PlacePhoto.objects.exists()


def test_alt_text_is_required_and_five_photos_at_most(client_for, managed, place_manager):
    url = reverse("contributions:photos", args=[managed.slug])
    upload = io.BytesIO(jpeg(40, 30))
    upload.name = "a.jpg"
    response = client_for(place_manager).post(url, {"image": upload, "alt": "  "})
    assert response.status_code == 400 and not PlacePhoto.objects.exists()
    for k in range(PlacePhoto.MAX_PHOTOS):
        photo_add(place=managed, user=place_manager, content=jpeg(40, 30), alt=f"Photo {k}")
    upload = io.BytesIO(jpeg(40, 30))
    upload.name = "b.jpg"
    response = client_for(place_manager).post(url, {"image": upload, "alt": "Une de trop"})
    assert response.status_code == 400 and "5 photos au plus" in response.content.decode()
    assert PlacePhoto.objects.filter(place=managed).count() == 5


def test_photo_alt_order_and_delete(client_for, managed, place_manager, plain_user):
    first = photo_add(place=managed, user=place_manager, content=jpeg(40, 30), alt="Façade")
    second = photo_add(place=managed, user=place_manager, content=jpeg(40, 30), alt="Atelier")
    client = client_for(place_manager)
    action = reverse("contributions:photo_action", args=[managed.slug, second.pk])
    assert client.post(action, {"action": "up"}).status_code == 302
    assert list(managed.photos.values_list("alt", flat=True)) == ["Atelier", "Façade"]
    assert (
        client.post(action, {"action": "alt", f"photo-{second.pk}-alt": "L’atelier bois"}).status_code == 302
    )
    second.refresh_from_db()
    assert second.alt == "L’atelier bois"
    assert client.post(action, {"action": "alt", f"photo-{second.pk}-alt": ""}).status_code == 400
    assert client_for(plain_user).post(action, {"action": "delete"}).status_code == 403
    assert (
        client.post(
            reverse("contributions:photo_action", args=[managed.slug, first.pk]), {"action": "delete"}
        ).status_code
        == 302
    )
    assert list(managed.photos.values_list("alt", flat=True)) == ["L’atelier bois"]


def test_image_module_refuses_bombs_and_keeps_transparency():
    big = Image.new("L", (1, 1))
    out = io.BytesIO()
    big.save(out, format="PNG")
    # A PNG header claiming 100,000 × 100,000 pixels is refused before decoding.
    header = bytearray(out.getvalue())
    header[16:24] = (100_000).to_bytes(4, "big") * 2
    with pytest.raises(images.ImageRefused):
        images.process(bytes(header))
    transparent = io.BytesIO()
    Image.new("RGBA", (20, 10), (0, 0, 0, 0)).save(transparent, format="PNG")
    processed = images.process(transparent.getvalue())
    assert (processed.extension, processed.width, processed.height) == ("png", 20, 10)
    with pytest.raises(images.ImageRefused):
        images.process(b"")


# --- Contact route ------------------------------------------------------------------------------------------
def test_the_contact_form_relays_to_the_places_own_address(
    client, managed, mailbox, django_capture_on_commit_callbacks
):
    managed.contact_email = "equipe@fabrique-du-port.example"
    managed.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.contact_send(
            place=managed, sender_name="Ana", sender_email="ana@example.org", message="Bonjour"
        )
    [message] = mailbox.wait_for("equipe@fabrique-du-port.example")
    assert message["Reply-To"] == "ana@example.org"
    assert "equipe@fabrique-du-port.example" not in client.get(managed.get_absolute_url()).content.decode()


def test_a_place_reached_otherwise_refuses_the_contact_form(client, managed):
    managed.contact_route = "website"
    managed.contact_url = "https://fabrique-du-port.example/contact"
    managed.save()
    page = client.get(managed.get_absolute_url()).content.decode()
    assert 'href="https://fabrique-du-port.example/contact"' in page and 'id="contact-message"' not in page
    url = reverse("contributions:contact", args=[managed.slug])
    response = client.post(url, {"sender_name": "A", "sender_email": "a@example.org", "message": "Bonjour"})
    assert response.status_code == 409 and not ContactMessage.objects.exists()


# --- Claims and "Mes contributions" ------------------------------------------------------------------------------
def test_claim_is_acknowledged_by_email_and_lands_on_my_contributions(
    client_for, atlas, plain_user, mailbox, fresh_rate_limits, django_capture_on_commit_callbacks
):
    port = atlas["port"]
    client = client_for(plain_user)
    page = client.get(port.get_absolute_url()).content.decode()
    assert "Vous gérez ce lieu ?" in page  # no manager yet
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("contributions:claim", args=[port.slug]), {"message": "Je préside l’association."}
        )
    assert response.status_code == 302 and response["Location"] == reverse("contributions:mine")
    [ack] = mailbox.wait_for(plain_user.email)
    assert "Demande reçue" in ack["Subject"] and port.name in ack["Subject"]
    assert "/lieux/contribuer/mes-contributions/" in mailbox.text(ack)
    mine = client.get(reverse("contributions:mine")).content.decode()
    assert port.name in mine and "En attente" in mine and "Gérer ce lieu" in mine


def test_managed_place_no_longer_invites_claims(client_for, managed, plain_user):
    page = client_for(plain_user).get(managed.get_absolute_url()).content.decode()
    assert "Vous gérez ce lieu ?" not in page
    assert "Vous gérez ce lieu ?" not in client_for(None).get(managed.get_absolute_url()).content.decode()


def test_my_contributions_lists_only_mine_with_their_state(client_for, atlas, plain_user, place_manager):
    ProposalFactory(
        author=plain_user, author_email="", status="refused", decision_reason="Doublon d’un lieu existant"
    )
    ErrorReportFactory(place=atlas["atelier"], author=plain_user, author_email="")
    ClaimFactory(place=atlas["port"], author=plain_user, status="approved")
    ProposalFactory(
        author=place_manager, author_email="", data={"name": "Pas le mien", "lon": -3.9, "lat": 47.8}
    )
    html = client_for(plain_user).get(reverse("contributions:mine")).content.decode()
    assert "Le Tiers-Lieu Proposé" in html and "Refusée" in html and "Doublon d’un lieu existant" in html
    assert "Atelier Croix-Rousse" in html and "En attente" in html
    assert "Approuvée" in html
    assert "Pas le mien" not in html
    assert client_for(None).get(reverse("contributions:mine")).status_code == 302
