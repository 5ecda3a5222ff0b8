"""The atlas: every tiers-lieu, its page, its managers and the history of every change.

Contact data of people (names, private emails found in source files) is stored in `private_contact`
and is never shown publicly nor exported.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tierslieux.core.transitions import text_choices
from tierslieux.geo.models import Commune

from .workflow import PUBLICATION


class PlaceType(models.TextChoices):
    COWORKING = "coworking", _("Espace de coworking")
    FABLAB = "fablab", _("Fablab")
    MAKERSPACE = "makerspace", _("Makerspace")
    SHARED_WORKSHOP = "atelier_partage", _("Atelier partagé")
    REPAIR_CAFE = "repair_cafe", _("Repair café")
    LIVING_LAB = "living_lab", _("Living lab")
    CULTURAL = "culturel", _("Tiers-lieu culturel / friche")
    FOOD = "nourricier", _("Tiers-lieu nourricier")
    CAMPUS = "campus_connecte", _("Campus connecté")
    MICRO_FOLIE = "micro_folie", _("Micro-Folie")
    FRANCE_SERVICES = "france_services", _("Espace France services")
    DIGITAL_INCLUSION = "mediation_numerique", _("Lieu de médiation numérique")
    SOLIDARITY_GARAGE = "garage_solidaire", _("Garage solidaire")
    OTHER = "autre", _("Autre")


class PlaceStatus(models.TextChoices):
    PROJECT = "project", _("En projet")
    OPEN = "open", _("Ouvert")
    TEMPORARILY_CLOSED = "temporarily_closed", _("Fermé temporairement")
    CLOSED = "closed", _("Fermé définitivement")


# Whether a place is on the public atlas (`workflow.PUBLICATION`). A place created inside an application
# ("un lieu en projet") waits for a moderator (or for its application to be accepted); until then only its
# managers and the programme staff see it.
Publication = text_choices("Publication", PUBLICATION, module=__name__)


# Types of the digital-inclusion places (the médiation numérique list of one region): a place with only
# these types is on the "médiation numérique" layer of the atlas, counted apart from the tiers-lieux.
DIGITAL_INCLUSION_TYPES = frozenset({"mediation_numerique", "france_services"})


def is_digital_inclusion(types) -> bool:
    """A place whose types are all digital-inclusion types (and at least one)."""
    codes = set(types or ())
    return bool(codes) and codes <= DIGITAL_INCLUSION_TYPES


class PlaceQuerySet(models.QuerySet):
    def published(self):
        """The places on the public atlas (not those waiting for moderation or refused)."""
        return self.filter(publication=Publication.PUBLISHED)


class LegalForm(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    SCIC = "scic", _("SCIC")
    SCOP = "scop", _("SCOP")
    COMPANY = "company", _("Entreprise")
    LOCAL_AUTHORITY = "local_authority", _("Collectivité territoriale")
    PUBLIC_BODY = "public_body", _("Établissement public")
    OTHER = "other", _("Autre")
    UNKNOWN = "", _("Non renseignée")


class Label(models.TextChoices):
    FABRIQUE = "fabrique_territoire", _("Fabrique de territoire")
    FABRIQUE_NUMERIQUE = "fabrique_numerique", _("Fabrique numérique de territoire")
    MANUFACTURE = "manufacture_proximite", _("Manufacture de proximité")
    FRANCE_SERVICES = "france_services", _("France services")


class Service(models.TextChoices):
    DESKS = "bureaux", _("Postes de travail / bureaux")
    MEETING_ROOMS = "salles_reunion", _("Salles de réunion")
    MACHINES = "machines", _("Machines et outils de fabrication")
    TRAINING = "formation", _("Formations")
    DIGITAL_HELP = "aide_numerique", _("Accompagnement au numérique")
    PUBLIC_SERVICE = "services_publics", _("Accueil de services publics")
    CAFE = "cafe", _("Café, bar ou restauration")
    CHILDCARE = "garde_enfants", _("Garde d’enfants")
    EVENTS = "evenements", _("Événements, espace modulable")
    STUDIOS = "ateliers", _("Ateliers d’artistes ou d’artisans")
    FOOD_LAB = "labo_alimentaire", _("Laboratoire de transformation alimentaire")
    STORAGE = "stockage", _("Stockage")
    SHOP = "vente", _("Espace de vente")
    ACCOMMODATION = "hebergement", _("Hébergement")
    INTERNET = "internet", _("Accès à internet")


class Accessibility(models.TextChoices):
    STEP_FREE = "plain_pied", _("Accès de plain-pied ou rampe")
    ELEVATOR = "ascenseur", _("Ascenseur")
    ACCESSIBLE_TOILETS = "sanitaires", _("Sanitaires adaptés")
    PARKING = "stationnement", _("Place de stationnement réservée")
    HEARING_LOOP = "boucle_magnetique", _("Boucle à induction magnétique")
    PUBLIC_TRANSPORT = "transports", _("Desservi par les transports en commun")


class LocationOrigin(models.TextChoices):
    """Where the point of a place comes from; an import never replaces a point by a less precise one."""

    SOURCE = "source", _("Coordonnées fournies par la source")
    PERSON = "person", _("Point indiqué par une personne (carte ou coordonnées)")
    ADDRESS = "address", _("Adresse géocodée")
    COMMUNE = "commune", _("Point de la commune")


# Higher is more precise (the point of a commune is the least precise).
LOCATION_PRECISION = {
    LocationOrigin.COMMUNE.value: 1,
    LocationOrigin.ADDRESS.value: 2,
    LocationOrigin.SOURCE.value: 3,
    LocationOrigin.PERSON.value: 3,
}


class ContactRoute(models.TextChoices):
    """How a visitor reaches the place (shown on its page)."""

    FORM = "form", _("Formulaire de contact de la plateforme (les messages sont transmis par courriel)")
    PHONE = "phone", _("Par téléphone")
    WEBSITE = "website", _("Page de contact du site du lieu")
    NONE = "none", _("Pas de contact public")


class EquipmentCategory(models.TextChoices):
    DIGITAL = "numerique", _("Numérique")
    MAKING = "fabrication", _("Fabrication")
    WOOD_METAL = "bois_metal", _("Bois et métal")
    TEXTILE = "textile", _("Textile")
    AUDIOVISUAL = "audiovisuel", _("Audiovisuel")
    KITCHEN = "cuisine", _("Cuisine")
    OFFICE = "bureau", _("Bureau")
    OTHER = "autre", _("Autre")


class Place(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant d’URL"), max_length=220, unique=True)
    types = models.JSONField(_("types"), default=list, blank=True, help_text=_("Codes de PlaceType."))
    short_description = models.CharField(_("description courte"), max_length=300, blank=True, default="")
    description = models.TextField(_("description"), blank=True, default="")
    address = models.CharField(_("adresse"), max_length=300, blank=True, default="")
    postcode = models.CharField(_("code postal"), max_length=5, blank=True, default="")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="places")
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    status = models.CharField(
        _("statut"), max_length=20, choices=PlaceStatus.choices, default=PlaceStatus.OPEN
    )
    legal_form = models.CharField(
        _("forme juridique"), max_length=20, choices=LegalForm.choices, blank=True, default=""
    )
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, default="")
    rna = models.CharField(_("numéro RNA"), max_length=10, blank=True, default="")
    opening_date = models.DateField(_("date d’ouverture"), null=True, blank=True)
    labels = models.JSONField(_("labels"), default=list, blank=True, help_text=_("Codes de Label."))
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="managed_places", blank=True, verbose_name=_("gestionnaires")
    )
    # Added by 0002: the full record of a place.
    services = models.JSONField(_("services"), default=list, blank=True, help_text=_("Codes de Service."))
    equipment = models.JSONField(
        _("équipements"),
        default=list,
        blank=True,
        help_text=_('Liste de {"category": code EquipmentCategory, "name": texte}.'),
    )
    opening_hours = models.JSONField(
        _("horaires d’ouverture"),
        default=dict,
        blank=True,
        help_text=_('{"mo": [["09:00", "12:00"], …], "tu": …} ; jours absents : fermé.'),
    )
    opening_exceptions = models.JSONField(
        _("exceptions aux horaires"),
        default=list,
        blank=True,
        help_text=_('Liste de {"start": date, "end": date, "hours": [[…]] (vide : fermé), "label": texte}.'),
    )
    accessibility = models.JSONField(
        _("accessibilité"), default=list, blank=True, help_text=_("Codes d’Accessibility.")
    )
    website = models.URLField(_("site web"), max_length=300, blank=True, default="")
    social_links = models.JSONField(
        _("réseaux sociaux"), default=list, blank=True, help_text=_("Liste d’adresses (URL).")
    )
    surface_m2 = models.PositiveIntegerField(_("surface (m²)"), null=True, blank=True)
    # Added by 0006: how visitors reach the place.
    contact_route = models.CharField(
        _("moyen de contact"), max_length=10, choices=ContactRoute.choices, default=ContactRoute.FORM
    )
    contact_phone = models.CharField(_("téléphone (public)"), max_length=20, blank=True, default="")
    contact_url = models.URLField(_("page de contact (publique)"), max_length=300, blank=True, default="")
    contact_email = models.EmailField(
        _("adresse de contact (privée)"),
        blank=True,
        default="",
        help_text=_(
            "Où le formulaire de contact transmet les messages (à défaut : aux gestionnaires). Jamais publiée."
        ),
    )
    source = models.CharField(_("source principale"), max_length=40, blank=True, default="")
    location_approximate = models.BooleanField(
        _("localisation approximative"),
        default=False,
        help_text=_("Coordonnées de la commune faute de l’adresse exacte."),
    )
    # Added by 0004: the origin of the point (its precision); "commune" ⇔ location_approximate.
    location_origin = models.CharField(
        _("origine du point"),
        max_length=10,
        choices=LocationOrigin.choices,
        default=LocationOrigin.SOURCE,
    )
    private_contact = models.JSONField(
        _("contact privé"),
        default=dict,
        blank=True,
        help_text=_("Noms et adresses électroniques des personnes : jamais publiés ni exportés."),
    )
    last_verified_at = models.DateField(_("dernière vérification"), null=True, blank=True)
    completeness = models.PositiveSmallIntegerField(_("complétude (%)"), default=0, editable=False)
    search_text = models.TextField(default="", blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Added by 0004: moderation of project places, the digital-inclusion layer, verification reminders.
    publication = models.CharField(
        _("publication"),
        max_length=10,
        choices=Publication.choices,
        default=Publication.PUBLISHED,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("créé par"),
    )
    digital_inclusion = models.BooleanField(
        _("lieu de médiation numérique"),
        default=False,
        editable=False,
        db_index=True,
        help_text=_("Calculé depuis les types : le lieu n’a que des types de médiation numérique."),
    )
    verification_reminded_at = models.DateTimeField(
        _("dernière relance de vérification"), null=True, blank=True
    )

    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("tiers-lieu")
        verbose_name_plural = _("tiers-lieux")
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["lon", "lat"]),
            # The atlas index checks MAX(updated_at) to notice changes made by other processes.
            models.Index(fields=["updated_at"], name="places_place_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("places:detail", args=[self.slug])


def photo_path(instance, filename: str) -> str:
    return f"lieux/photos/{instance.place_id}/{filename}"


class PlacePhoto(models.Model):
    """One photo of a place (at most `MAX_PHOTOS`): checked by content, resized and re-encoded (metadata removed)
    when uploaded; `alt` is its text alternative."""

    MAX_PHOTOS = 5

    place = models.ForeignKey("Place", on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("image"), upload_to=photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    alt = models.CharField(_("texte alternatif"), max_length=250)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["place", "position", "id"]
        verbose_name = _("photo d’un lieu")
        verbose_name_plural = _("photos des lieux")

    def __str__(self) -> str:
        return f"{self.place} — {self.alt}"

    def get_absolute_url(self) -> str:
        return reverse("places:photo", args=[self.place.slug, self.pk])


class PlaceSourceRecord(models.Model):
    """One row of one source file merged into a place; `raw` may hold personal data: never published."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="source_records")
    source = models.CharField(_("source"), max_length=40)
    source_id = models.CharField(_("identifiant dans la source"), max_length=80)
    raw = models.JSONField(_("données brutes"), default=dict, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source", "source_id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="place_source_record_unique")
        ]
        verbose_name = _("enregistrement source")
        verbose_name_plural = _("enregistrements sources")

    def __str__(self) -> str:
        return f"{self.source}:{self.source_id}"


class PlaceVersion(models.Model):
    """One change of a place: who, when, why, what ({field: [old, new]}) and the full snapshot after it."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="versions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    reason = models.CharField(_("motif"), max_length=300, blank=True, default="")
    changes = models.JSONField(_("modifications"), default=dict)
    snapshot = models.JSONField(_("état complet"), default=dict)
    reverted_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("version d’un lieu")
        verbose_name_plural = _("versions des lieux")

    def __str__(self) -> str:
        return f"{self.place} — {self.created_at:%Y-%m-%d %H:%M}"


# --- Imports (added by 0004) ---------------------------------------------------------------------------------
class PlaceImport(models.Model):
    """One import of a file by programme staff or the command line: the file, its column mapping, the plan
    of every row (the preview), the decisions taken per row, and once committed the report (kept, and
    downloadable as CSV) and what changed (`changes`), so that the import can be cancelled."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("En préparation")
        DONE = "done", _("Importé")
        CANCELLED = "cancelled", _("Annulé")

    source = models.CharField(_("source"), max_length=40)
    file_name = models.CharField(_("fichier"), max_length=255)
    file_format = models.CharField(_("format"), max_length=30, blank=True, default="")
    content = models.BinaryField(_("contenu du fichier"), editable=False)
    mapping = models.JSONField(_("correspondance des colonnes"), default=dict, blank=True)
    value_mappings = models.JSONField(
        _("correspondance des valeurs"), default=dict, blank=True, help_text=_("{champ: {valeur: [codes]}}")
    )
    decisions = models.JSONField(
        _("décisions par ligne"),
        default=dict,
        blank=True,
        help_text=_("{ligne: create|skip|merge:id|fill:id}"),
    )
    plan = models.JSONField(
        _("aperçu"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("{rows: […], unknown: {champ: {valeur: n}}}"),
    )
    report = models.JSONField(_("rapport"), default=list, blank=True, editable=False)
    counts = models.JSONField(_("décompte"), default=dict, blank=True, editable=False)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import de lieux")
        verbose_name_plural = _("imports de lieux")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.source})"

    def get_absolute_url(self) -> str:
        return reverse("contributions:import_detail", args=[self.pk])


class PlaceImportChange(models.Model):
    """One place created or changed by an import: the values before and after (the fields it changed), and
    the source record as it was, to cancel the import."""

    class Action(models.TextChoices):
        CREATED = "created", _("Créé")
        UPDATED = "updated", _("Complété ou modifié")

    place_import = models.ForeignKey(PlaceImport, on_delete=models.CASCADE, related_name="changes")
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_changes"
    )
    line = models.PositiveIntegerField(_("ligne"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    before = models.JSONField(_("avant"), default=dict, blank=True)
    after = models.JSONField(_("après"), default=dict, blank=True)
    record_before = models.JSONField(
        _("enregistrement source avant"),
        null=True,
        blank=True,
        help_text=_("{place, raw} ou vide s’il a été créé"),
    )
    record_key = models.JSONField(_("enregistrement source"), default=list, blank=True)

    class Meta:
        ordering = ["place_import", "line"]
        verbose_name = _("changement d’un import")
        verbose_name_plural = _("changements des imports")

    def __str__(self) -> str:
        return f"{self.place_import_id}:{self.line} {self.action}"


class ImportValueMapping(models.Model):
    """What an unknown value of a list field (types, services, labels, accessibility) of a source means, in
    codes: remembered for the next imports of the same source ("FabLab / atelier" → fablab, atelier_partage)."""

    source = models.CharField(_("source"), max_length=40)
    field = models.CharField(_("champ"), max_length=20)
    value = models.CharField(_("valeur (normalisée)"), max_length=200)
    codes = models.JSONField(_("codes"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source", "field", "value"]
        constraints = [
            models.UniqueConstraint(fields=["source", "field", "value"], name="import_value_mapping_unique")
        ]
        verbose_name = _("correspondance de valeur d’import")
        verbose_name_plural = _("correspondances de valeurs d’import")

    def __str__(self) -> str:
        return f"{self.source}:{self.field}:{self.value}"
