"""A messy third-party file of places, and the atlas it is imported into (issue 9).

The file mixes everything real files do: a UTF-8 BOM followed by Latin-1 (Windows-1252) lines with one line
in UTF-8, semicolons, decimal commas, degrees-minutes-seconds in several spellings, swapped and foreign
coordinates, the same name in two communes, an upper-case near-duplicate of a curated place, a
near-duplicate 39 m away with the same website, a script in a description, a CEDEX code, a postcode
shared by two communes, an overseas place, a header the engine does not recognise as the name
("Équipement") and one it ignores ("Remarques internes").
"""

from __future__ import annotations

from tests.factories.contributions import make_place
from tests.factories.geo import CommuneFactory, DepartmentFactory, RegionFactory

HEADER = "Équipement;Type;Adresse;CP;Commune;Latitude;Longitude;Site;Description;Remarques internes"
LINES = [
    # line 2: upper-case variant of the curated "La Fabrique du Port", 24 m away: merged, name kept, site filled
    "LA FABRIQUE DU PORT;Fablab;;29900;Concarneau;47,8702;-3,9201;https://fabrique-port.example;;",
    # line 3: "La Verrière" of Le Quesnoy — never the one of Nice
    "La Verrière;Tiers-lieu culturel / friche;1 place du Marché;59530;Le Quesnoy;50°14'52\"N;3°38'13\"E;;Friche;",
    # line 4: "La Factory" of Paris 11e — never the one of Colombes
    "La Factory;Coworking;12 rue Oberkampf;75011;Paris 11e;48.8656;2.3789;;;",
    # line 5: no coordinates (the commune's point), an unknown type value, a script in the description
    'Le Bocal;FabLab / atelier;;29900;Concarneau;;;;<script>alert("x")</script>Un atelier;',
    # line 6: the same name in another commune (not an in-file duplicate), DMS with spaces and O(uest)
    "Le Bocal;Coworking;;35000;Rennes;48 05 34 N;1 39 30 O;;;",
    # line 7: latitude and longitude swapped
    "Tiers-lieu inversé;Coworking;;29900;Concarneau;-3.91;47.87;;;",
    # line 8: in Madrid: rejected
    "Casa Madrid;Coworking;;;;40.4168;-3.7038;;;",
    # line 9 (UTF-8 in a Latin-1 file): overseas, DMS with O(uest)
    "Le Repaire;Repair café;;97180;Sainte-Anne;16°13'34\"N;61°23'13\"O;;;",
    # line 10: a postcode shared by two communes, resolved by the name
    "Atelier de Quévert;Atelier partagé;;22100;Quévert;;;;;",
    # line 11: the shared postcode alone: rejected
    "Sans commune;Coworking;;22100;;;;;;",
    # line 12: a CEDEX code, resolved by the name
    "Maison Saint-Brieuc;Coworking;;22099;ST BRIEUC CEDEX 1;;;;;",
    # line 13: 39 m from "Atelier Ressources" with the same website: a near-duplicate, merged
    "L'Atelier - Ressourcerie;Atelier partagé;;29900;Concarneau;47.8702;-3.91952;https://www.atelier-ressources.example/;;",
    # line 14: no name: rejected
    ";Coworking;;29900;Concarneau;47.87;-3.92;;;",
    # line 15: Latin-1 letters
    "Chez Ça Va;Coworking;;29900;Concarneau;47.871;-3.918;;Déjà là;une remarque",
    # line 16: the town hall's point (no coordinates) against a precise place: nothing changes; a script as a type
    "La Forge;Fablab|<img src=x onerror=alert(2)>;;29900;Concarneau;;;;;",
]
UTF8_LINES = {9}  # file line numbers written in UTF-8
# What the default decisions do with the file.
EXPECTED = {
    "create": [3, 4, 5, 6, 7, 9, 10, 12, 15],
    "merge": [2, 13],
    "unchanged": [16],
    "rejected": [8, 11, 14],
}
# The communes of the file: nothing outside them may change.
FILE_COMMUNES = {"29039", "59481", "75111", "35238", "97128", "22258", "22278"}


def messy_bytes() -> bytes:
    """The file: a UTF-8 BOM, then Latin-1 lines, one line in UTF-8, a blank line before the end."""
    out = b"\xef\xbb\xbf" + HEADER.encode("cp1252") + b"\r\n"
    for number, line in enumerate(LINES, start=2):
        out += line.encode("utf-8" if number in UTF8_LINES else "cp1252") + b"\r\n"
    return out + b";;;;;;;;;\r\n"


def _department(code: str, name: str, region: tuple[str, str]):
    return DepartmentFactory(code=code, name=name, region=RegionFactory(code=region[0], name=region[1]))


def messy_world() -> dict:
    """The communes of the file (and a few others), and the places already in the atlas."""
    brittany = ("53", "Bretagne")
    finistere = _department("29", "Finistère", brittany)
    cotes = _department("22", "Côtes-d’Armor", brittany)
    ille = _department("35", "Ille-et-Vilaine", brittany)
    nord = _department("59", "Nord", ("32", "Hauts-de-France"))
    alpes = _department("06", "Alpes-Maritimes", ("93", "Provence-Alpes-Côte d’Azur"))
    paris_dep = _department("75", "Paris", ("11", "Île-de-France"))
    hauts = _department("92", "Hauts-de-Seine", ("11", "Île-de-France"))
    guadeloupe = _department("971", "Guadeloupe", ("01", "Guadeloupe"))
    martinique = _department("972", "Martinique", ("02", "Martinique"))

    def commune(insee, name, department, postcodes, lon, lat, **extra):
        return CommuneFactory(
            insee=insee,
            name=name,
            department=department,
            region=department.region,
            postcodes=postcodes,
            town_hall_lon=lon,
            town_hall_lat=lat,
            interior_lon=lon,
            interior_lat=lat,
            **extra,
        )

    communes = {
        "concarneau": commune("29039", "Concarneau", finistere, "29900", -3.918, 47.875),
        "brest": commune("29019", "Brest", finistere, "29200", -4.486, 48.39),
        "quesnoy": commune("59481", "Le Quesnoy", nord, "59530", 3.6369, 50.2478),
        "nice": commune("06088", "Nice", alpes, "06000 06100 06200 06300", 7.2619, 43.7031),
        "colombes": commune("92025", "Colombes", hauts, "92700", 2.2526, 48.9226),
        "rennes": commune("35238", "Rennes", ille, "35000 35200 35700", -1.6794, 48.1147),
        "dinan": commune("22050", "Dinan", cotes, "22100", -2.0428, 48.4556),
        "quevert": commune("22258", "Quévert", cotes, "22100", -2.0847, 48.4617),
        "saint_brieuc": commune("22278", "Saint-Brieuc", cotes, "22000", -2.7603, 48.5136),
        "sainte_anne": commune("97128", "Sainte-Anne", guadeloupe, "97180", -61.3795, 16.2262),
        "sainte_anne_972": commune("97226", "Sainte-Anne", martinique, "97227", -60.8867, 14.4392),
    }
    paris = commune("75056", "Paris", paris_dep, "75001 75011", 2.3522, 48.8566)
    communes["paris"] = paris
    communes["paris_11"] = commune(
        "75111", "Paris 11e Arrondissement", paris_dep, "75011", 2.3795, 48.8585, kind="ARM", parent=paris
    )
    places = {
        "fabrique": make_place(commune=communes["concarneau"]),  # "La Fabrique du Port", -3.92 47.87
        "ressources": make_place(
            name="Atelier Ressources",
            commune=communes["concarneau"],
            lon=-3.9190,
            lat=47.8702,
            types=["atelier_partage"],
            website="https://atelier-ressources.example",
        ),
        "forge": make_place(
            name="La Forge", commune=communes["concarneau"], lon=-3.93, lat=47.88, postcode="29900"
        ),
        "verriere_nice": make_place(
            name="La Verrière",
            commune=communes["nice"],
            lon=7.2661,
            lat=43.6961,
            address="2 rue de la Verrerie",
            postcode="06300",
            types=["culturel"],
            description="La Verrière de Nice, un lieu curaté.",
        ),
        "factory_colombes": make_place(
            name="La Factory", commune=communes["colombes"], lon=2.2546, lat=48.9236, types=["coworking"]
        ),
        "phare": make_place(name="Le Phare", commune=communes["brest"], lon=-4.49, lat=48.39),
    }
    return {"communes": communes, "places": places}
