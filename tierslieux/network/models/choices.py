"""The controlled lists of the network (codes are stable identifiers; labels are what people read)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tierslieux.places.models import EquipmentCategory


class Side(models.TextChoices):
    OFFER = "offer", _("Je propose")
    NEED = "need", _("Je cherche")


class Kind(models.TextChoices):
    SKILL = "skill", _("Compétence")
    EQUIPMENT = "equipment", _("Équipement")
    SPACE = "space", _("Espace")
    LOAN = "loan", _("Prêt")


class Skill(models.TextChoices):
    WOODWORK = "menuiserie", _("Menuiserie, travail du bois")
    ELECTRONICS = "electronique", _("Électronique")
    DESIGN_3D = "conception_3d", _("Conception 3D")
    COMMUNITY = "animation", _("Animation de communauté")
    GRANTS = "subventions", _("Montage de dossiers de subvention")
    ACCOUNTING = "comptabilite", _("Comptabilité, gestion")
    DIGITAL_MEDIATION = "mediation_numerique", _("Médiation numérique")
    COMMUNICATION = "communication", _("Communication")
    GOVERNANCE = "gouvernance", _("Gouvernance partagée")
    REPAIR = "reparation", _("Réparation")
    SEWING = "couture", _("Couture")
    COOKING = "cuisine", _("Cuisine")
    OTHER = "autre", _("Autre compétence")


class SpaceType(models.TextChoices):
    MEETING_ROOM = "salle_reunion", _("Salle de réunion")
    WORKSHOP = "atelier", _("Atelier")
    DESK = "bureau", _("Poste de travail, bureau")
    STORAGE = "stockage", _("Stockage")
    EVENT_HALL = "salle_evenement", _("Salle d’événement")


class LoanType(models.TextChoices):
    VEHICLE = "vehicule", _("Véhicule")
    TOOLS = "outillage", _("Outillage")
    EVENT_MATERIAL = "materiel", _("Matériel d’événement")
    OTHER = "autre", _("Autre prêt")


# The categories of each kind: equipment reuses the categories places already list on their pages.
CATEGORIES: dict[str, type[models.TextChoices]] = {
    Kind.SKILL: Skill,
    Kind.EQUIPMENT: EquipmentCategory,
    Kind.SPACE: SpaceType,
    Kind.LOAN: LoanType,
}


def category_label(kind: str, code: str) -> str:
    choices = CATEGORIES.get(kind)
    return str(dict(choices.choices).get(code, code)) if choices else code


class Terms(models.TextChoices):
    FREE = "free", _("Gratuit")
    EXCHANGE = "exchange", _("En échange")
    PRICE = "price", _("Payant")


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Publicité ou spam")
    OFFENSIVE = "offensive", _("Contenu injurieux ou illégal")
    FRAUD = "fraud", _("Tentative d’escroquerie")
    WRONG = "wrong", _("Annonce trompeuse")
    OTHER = "other", _("Autre")


class EventCategory(models.TextChoices):
    OPEN_LAB = "open_lab", _("Soirée atelier ouvert")
    TRAINING = "formation", _("Formation")
    REPAIR_CAFE = "repair_cafe", _("Repair café")
    CONFERENCE = "conference", _("Conférence, rencontre")
    MARKET = "marche", _("Marché")
    WORKSHOP = "atelier", _("Atelier")
    SHOW = "spectacle", _("Spectacle, exposition")
    NETWORK = "reseau", _("Rencontre du réseau")
    OTHER = "autre", _("Autre")


class TimeZone(models.TextChoices):
    PARIS = "Europe/Paris", _("Métropole et Corse (Europe/Paris)")
    GUADELOUPE = "America/Guadeloupe", _("Guadeloupe (America/Guadeloupe)")
    MARTINIQUE = "America/Martinique", _("Martinique (America/Martinique)")
    GUYANE = "America/Cayenne", _("Guyane (America/Cayenne)")
    REUNION = "Indian/Reunion", _("La Réunion (Indian/Reunion)")
    MAYOTTE = "Indian/Mayotte", _("Mayotte (Indian/Mayotte)")
    MIQUELON = "America/Miquelon", _("Saint-Pierre-et-Miquelon (America/Miquelon)")
    NOUMEA = "Pacific/Noumea", _("Nouvelle-Calédonie (Pacific/Noumea)")
    TAHITI = "Pacific/Tahiti", _("Polynésie française (Pacific/Tahiti)")
    WALLIS = "Pacific/Wallis", _("Wallis-et-Futuna (Pacific/Wallis)")


class Attendance(models.TextChoices):
    ON_SITE = "on_site", _("Sur place")
    ONLINE = "online", _("En ligne")
    MIXED = "mixed", _("Sur place et en ligne")


class Theme(models.TextChoices):
    GOVERNANCE = "gouvernance", _("Gouvernance et vie associative")
    ECONOMIC_MODEL = "modele_economique", _("Modèle économique")
    FUNDING = "financements", _("Recherche de financements")
    COMMUNITY = "communaute", _("Animation de la communauté")
    PREMISES = "amenagement", _("Aménagement du lieu")
    PROGRAMME = "programmation", _("Programmation, activités")
    AUTHORITIES = "collectivites", _("Relations avec les collectivités")
    MAKING = "fabrication", _("Fabrication numérique")
    IMPACT = "evaluation", _("Évaluation d’impact")
    LEGAL = "juridique", _("Questions juridiques")


class Outcome(models.TextChoices):
    OPENED = "opened", _("Le lieu a ouvert")
    CONSOLIDATED = "consolidated", _("Le projet est consolidé")
    AGREED_STOP = "agreed_stop", _("Arrêt d’un commun accord")
    ABANDONED = "abandoned", _("Le projet est abandonné")


class ResourceKind(models.TextChoices):
    GUIDE = "guide", _("Guide")
    STATUTES = "statuts", _("Modèle de statuts")
    BUDGET = "budget", _("Modèle de budget")
    TRAINING = "formation", _("Support de formation")
    OTHER = "autre", _("Autre ressource")


class Licence(models.TextChoices):
    CC_BY = "CC-BY-4.0", _("Creative Commons Attribution 4.0 (CC BY)")
    CC_BY_SA = (
        "CC-BY-SA-4.0",
        _("Creative Commons Attribution – Partage dans les mêmes conditions 4.0 (CC BY-SA)"),
    )
    CC_BY_NC = (
        "CC-BY-NC-4.0",
        _("Creative Commons Attribution – Pas d’utilisation commerciale 4.0 (CC BY-NC)"),
    )
    CC_BY_NC_SA = "CC-BY-NC-SA-4.0", _("Creative Commons BY-NC-SA 4.0")
    CC_BY_ND = "CC-BY-ND-4.0", _("Creative Commons Attribution – Pas de modification 4.0 (CC BY-ND)")
    CC0 = "CC0-1.0", _("Creative Commons Zéro (CC0, domaine public)")
    LICENCE_OUVERTE = "etalab-2.0", _("Licence Ouverte 2.0 (Etalab)")


LICENCE_URLS = {
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/deed.fr",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/deed.fr",
    Licence.CC_BY_NC: "https://creativecommons.org/licenses/by-nc/4.0/deed.fr",
    Licence.CC_BY_NC_SA: "https://creativecommons.org/licenses/by-nc-sa/4.0/deed.fr",
    Licence.CC_BY_ND: "https://creativecommons.org/licenses/by-nd/4.0/deed.fr",
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/deed.fr",
    Licence.LICENCE_OUVERTE: "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
