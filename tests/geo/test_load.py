"""manage.py load_geo on the national files: counts, idempotence, atomicity, clear errors."""

from __future__ import annotations

import gzip
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tierslieux.geo import services
from tierslieux.geo.models import Commune, Department, Epci, Qpv, Region
from tierslieux.geo.services import DATA_DIR, geo_load
from tierslieux.geo.sources import SourceError

pytestmark = pytest.mark.django_db


def snapshot() -> tuple:
    return (
        Region.objects.count(),
        Department.objects.count(),
        Epci.objects.count(),
        Commune.objects.count(),
        Qpv.objects.count(),
        Qpv.communes.through.objects.count(),
        Commune.objects.get(insee="29039").name,
    )


def test_national_counts(france):
    assert Region.objects.count() == 18
    assert Department.objects.count() == 101
    assert Epci.objects.count() == 1253
    assert Epci.objects.filter(kind=Epci.Kind.ME).count() == 22
    assert Commune.objects.filter(kind=Commune.Kind.COMMUNE).count() == 34_875
    assert Commune.objects.filter(kind=Commune.Kind.ARRONDISSEMENT).count() == 45
    parents = set(Commune.objects.filter(kind="ARM").values_list("parent_id", flat=True))
    assert sorted(parents) == ["13055", "69123", "75056"]
    assert Commune.objects.filter(petite_ville_de_demain=True).count() == 1645
    assert Commune.objects.filter(coeur_de_ville=True).count() == 244
    assert Qpv.objects.count() == 1493
    multi = [qpv for qpv in Qpv.objects.prefetch_related("communes") if qpv.communes.count() > 1]
    assert len(multi) == 148
    assert Commune.objects.exclude(outline="").count() == 34_867
    assert Region.objects.filter(outline="").count() == 0
    assert Department.objects.filter(outline="").count() == 0


def test_density_grid_levels(france):
    counts = {
        "Grands centres urbains": 699,
        "Centres urbains intermédiaires": 637,
        "Ceintures urbaines": 1996,
        "Petites villes": 947,
        "Bourgs ruraux": 5072,
        "Rural à habitat dispersé": 18288,
        "Rural à habitat très dispersé": 7236,
    }
    for level, count in counts.items():
        assert Commune.objects.filter(density_level=level).count() == count, level


def test_fields_of_known_communes(france):
    paris = Commune.objects.get(insee="75056")
    assert paris.postcodes.split()[:2] == ["75001", "75002"]  # the parent gets its arrondissements' codes
    assert Commune.objects.get(insee="75101").postcodes == "75001"
    assert Commune.objects.get(insee="75101").outline == ""  # no separate outline: handled by the parent
    saint_etienne = Commune.objects.get(insee="42218")
    assert saint_etienne.name == "Saint-Étienne"
    assert saint_etienne.name_search == "saint etienne"
    concarneau = Commune.objects.get(insee="29039")
    assert concarneau.postcodes == "29900"
    assert concarneau.epci.kind == "CA"
    assert concarneau.petite_ville_de_demain
    assert concarneau.qpvs.filter(code="QN02901M").exists()


def test_second_run_changes_nothing(france):
    before = snapshot()
    report = geo_load()
    assert not report.changed
    assert report.total.created == report.total.updated == 0
    assert report.total.unchanged == 18 + 101 + 1253 + 34_920 + 1493
    assert snapshot() == before


def test_command_reports_counts_and_repairs_changes(france):
    Commune.objects.filter(insee="29039").update(name="Concarneau (modifié)", population=1)
    Qpv.communes.through.objects.filter(qpv_id="QN02901M").delete()
    out = StringIO()
    call_command("load_geo", "--no-progress", stdout=out)
    text = out.getvalue()
    assert "Communes : 0 créés, 1 mis à jour, 34919 inchangés" in text
    assert "1 liens ajoutés, 0 retirés" in text
    assert "Total : 0 créés, 1 mis à jour" in text
    concarneau = Commune.objects.get(insee="29039")
    assert (concarneau.name, concarneau.population) == ("Concarneau", 19050)
    assert concarneau.qpvs.filter(code="QN02901M").exists()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def rewrite_csv(path: Path, transform) -> None:
    lines = gzip.decompress(path.read_bytes()).decode().splitlines(keepends=True)
    path.write_bytes(gzip.compress("".join(transform(lines)).encode()))


def test_truncated_file_aborts_and_names_the_file(france, data_copy):
    before = snapshot()
    path = data_copy / "communes.csv.gz"
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    with pytest.raises(CommandError) as error:
        call_command("load_geo", "--no-progress", "--data-dir", str(data_copy), stdout=StringIO())
    message = str(error.value)
    assert "communes.csv.gz, ligne " in message
    assert "tronqué" in message
    assert "Aucune donnée n’a été modifiée" in message
    assert snapshot() == before


def test_corrupt_line_is_refused_with_its_line_number(france, data_copy):
    before = snapshot()

    def corrupt(lines):
        lines[10] = lines[10].replace(",COM,", ",XYZ,", 1)  # line 11 of the file
        parts = lines[20].split(",")
        parts[8] = "beaucoup"  # population of line 21
        lines[20] = ",".join(parts)
        return lines

    rewrite_csv(data_copy / "communes.csv.gz", corrupt)
    with pytest.raises(SourceError) as error:
        geo_load(data_dir=data_copy)
    message = str(error.value)
    assert "communes.csv.gz, ligne 11 : type « XYZ »" in message
    assert "communes.csv.gz, ligne 21 : nombre invalide" in message
    assert snapshot() == before


def test_missing_and_unknown_references_are_reported(france, data_copy):
    (data_copy / "pvd_communes.csv.gz").unlink()
    rewrite_csv(data_copy / "postcodes.csv.gz", lambda lines: [*lines, "99999,99999\n"])
    with pytest.raises(SourceError) as error:
        geo_load(data_dir=data_copy)
    message = str(error.value)
    assert "pvd_communes.csv.gz, fichier : fichier introuvable" in message


def test_unknown_commune_in_postcodes(france, data_copy):
    rewrite_csv(data_copy / "postcodes.csv.gz", lambda lines: [*lines, "99999,99999\n"])
    with pytest.raises(SourceError, match=r"postcodes.csv.gz, ligne 35359 : commune « 99999 » inconnue"):
        geo_load(data_dir=data_copy)


def test_database_error_rolls_everything_back(france, monkeypatch):
    Commune.objects.filter(insee="29039").update(name="Nom local")
    before = snapshot()

    def fail(qpvs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(services, "_qpv_links", fail)
    with pytest.raises(RuntimeError):
        geo_load()  # would have renamed 29039 back before failing
    assert snapshot() == before
