"""`manage.py load_places` on small files shaped like the real ones (the real counts are checked by
test_algorithms.py::test_source_files_have_the_real_counts without touching the database)."""

import gzip
import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.factories.geo import CommuneFactory, DepartmentFactory, RegionFactory
from tierslieux.places.models import Place, PlaceSourceRecord

pytestmark = pytest.mark.django_db

CGET = """ID,NOM_TL,ADRESSE,CP,COMINIT,INSEECOM,NOMCOM,WEB,TWITTER,FACEBOOK,TYPO,LAT,LONG,GEOCOD,PRECISION,CONTACT,MAIL
1,La Forge Numérique,1 rue de Siam,29200,Brest,29019,Brest,www.forge.example.org,@laforge,,Tiers lieux à dominante fablab,48.3900,-4.4900,,0.9,Jeanne Secret,jeanne.secret@example.org
2,Coworking Croix-Rousse,3 place,0,Lyon,0,,,,,Tiers lieux à dominante coworking,45.7700,4.8300,,0.9,,
"""
PING = """SOURCE_codes_temp,NOM DU LIEU,ADRESSE,TELEPHONE,URL,PUBLICS,TYPOLOGIE,ESPACES PROPOSÉS,DESCRIPTION,IMAGE,MODELE_JURIDIQUE,FABRIQUE_DE_TERRITOIRE,DEPARTEMENT,ÉTAT DE VOTRE TIERS-LIEUX,latitude,longitude,BAN_adress,BAN_adress_full,BAN_city,BAN_postcode
PiNG,La Forge numerique,1 rue de Siam,02 98 00 00 00,En cours d'élaboration !,Citoyens,T,1-12-18,Un atelier <b>ouvert</b>,,Association,OUI,29,En activité,48.3902,-4.4902,,,Brest,29200
PiNG,Lieu Fantôme,,,,Citoyens,T,,,,Autre,NON,44,En projet,,,,,Nulle-Part,99999
"""
FABRIQUES = """id_territoire,lib_territoire,insee_com,lib_com,commune_lon,commune_lat
fabt-1,LA FORGE NUMERIQUE,29019,Brest,-4.486,48.39
fabt-2,Les Ateliers &amp; Cie,69123,Lyon,4.835,45.767
"""
MANUFACTURES = "id_territoire,lib_territoire,insee_com,lib_com,commune_lon,commune_lat\n"
HINAURA = [
    {
        "id": "7",
        "nom": "Espace France Services de Lyon",
        "services": "Accéder à une connexion internet",
        "commune": "Lyon",
        "code_postal": "69001",
        "adresse": "2 rue",
        "latitude": 45.76,
        "longitude": 4.84,
        "horaires": "Mo-Fr 09:00-12:00",
        "courriel": "guichet.prive@example.org",
        "source": "Hinaura",
    }
]


def write(directory, name, text):
    with gzip.open(directory / name, "wt", encoding="utf-8") as handle:
        handle.write(text)


@pytest.fixture
def data_dir(tmp_path):
    write(tmp_path, "CGET_TiersLieux_2019.csv.gz", CGET)
    write(tmp_path, "tiers_lieux_pays_de_la_loire_ping.csv.gz", PING)
    write(tmp_path, "fabriques_de_territoire_liste.csv.gz", FABRIQUES)
    write(tmp_path, "manufactures_de_proximite_liste.csv.gz", MANUFACTURES)
    write(tmp_path, "mediation_numerique_hinaura_sample.json.gz", json.dumps(HINAURA))
    CommuneFactory(insee="29019", name="Brest", postcodes="29200", town_hall_lon=-4.486, town_hall_lat=48.39)
    region = RegionFactory(code="84", name="Auvergne-Rhône-Alpes")
    CommuneFactory(
        insee="69123",
        name="Lyon",
        postcodes="69001 69002",
        town_hall_lon=4.835,
        town_hall_lat=45.767,
        department=DepartmentFactory(code="69", name="Rhône", region=region),
    )
    return tmp_path


def load(data_dir):
    out, err = io.StringIO(), io.StringIO()
    call_command("load_places", data_dir=str(data_dir), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_load_merges_duplicates_resolves_communes_and_reports_rejections(data_dir, client):
    out, err = load(data_dir)
    assert "4 lieux créés" in out and "2 doublons fusionnés" in out and "1 lignes rejetées" in out
    assert "ping2022 ligne 3" in err and "commune introuvable" in err
    forge = Place.objects.get(name="La Forge Numérique")
    assert sorted(forge.source_records.values_list("source", "source_id")) == [
        ("cget2019", "1"),
        ("fabriques", "fabt-1"),
        ("ping2022", "1-la-forge-numerique"),
    ]
    assert forge.types == ["fablab", "coworking"] and forge.labels == ["fabrique_territoire"]
    assert forge.website == "https://www.forge.example.org" and forge.social_links == [
        "https://twitter.com/laforge"
    ]
    assert "machines" in forge.services and forge.legal_form == "association"
    cowork = Place.objects.get(name="Coworking Croix-Rousse")
    assert cowork.commune_id == "69123" and cowork.postcode == ""  # INSEECOM 0, CP 0: from the coordinates
    ateliers = Place.objects.get(name="Les Ateliers & Cie")
    assert ateliers.location_approximate and ateliers.commune_id == "69123"
    france_services = Place.objects.get(name="Espace France Services de Lyon")
    assert france_services.opening_hours["mo"] == [["09:00", "12:00"]]
    assert "france_services" in france_services.labels
    for place in (forge, france_services):
        content = client.get(place.get_absolute_url()).content.decode()
        assert "jeanne" not in content.lower() and "guichet.prive" not in content and "02 98" not in content
    assert forge.private_contact["cget2019:1"]["emails"] == "jeanne.secret@example.org"


def test_load_is_idempotent_and_keeps_edits(data_dir):
    load(data_dir)
    forge = Place.objects.get(name="La Forge Numérique")
    Place.objects.filter(pk=forge.pk).update(short_description="Modifiée par le lieu")
    out, _err = load(data_dir)
    assert "0 lieux créés" in out and "4 déjà présents" in out
    assert Place.objects.count() == 4 and PlaceSourceRecord.objects.count() == 6
    assert Place.objects.get(pk=forge.pk).short_description == "Modifiée par le lieu"


def test_load_needs_the_reference_geography(tmp_path):
    with pytest.raises(CommandError, match="load_geo"):
        call_command("load_places", data_dir=str(tmp_path))
