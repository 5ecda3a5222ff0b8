"""Demo news for `make run` (dev settings only, like the demo accounts): a few articles — among them the
conclusions of the 2018 mission « Coworking : territoires, travail, numérique », told in our own words —,
comments awaiting moderation and alert subscriptions. Every item is labelled as a demo. Idempotent."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from tierslieux.accounts.models import User
from tierslieux.accounts.roles import Role
from tierslieux.accounts.services import user_grant_role
from tierslieux.alerts import services as alerts
from tierslieux.alerts.forms import CONSENT_TEXT
from tierslieux.calls.models import Call
from tierslieux.geo.models import Department
from tierslieux.news import services, workflow
from tierslieux.news.models import Article, Comment

DEMO_TAG = "Démonstration"
DEMO_NOTE = "\n\n*Article de démonstration, créé pour essayer la plateforme.*"

MISSION = {
    "title": "Tiers-lieux : ce que retenait la mission « Coworking : territoires, travail, numérique »",
    "standfirst": (
        "En 2018, une mission confiée par le Gouvernement a fait le tour des tiers-lieux de France. Ses "
        "conclusions ont fondé le programme « Fabriques de territoire » : les voici, résumées."
    ),
    "tags": ["Fabriques de territoire", "Politique publique", DEMO_TAG],
    "body": """## Une dynamique qui vient des habitants

La mission a d’abord constaté un mouvement qui ne doit rien à l’État : partout, des collectifs d’habitants,
d’entrepreneurs et d’associations ont ouvert des espaces de coworking, des fablabs, des ateliers partagés, des
cafés associatifs. Ces tiers-lieux naissent d’une envie de travailler, d’apprendre et de créer autrement, au
plus près de chez soi.

Ce mouvement est vivant, mais **fragile** : beaucoup de lieux reposent sur quelques bénévoles, sur des
financements de court terme et sur des locaux précaires. Sans appui, une bonne part pourrait disparaître avant
d’avoir trouvé son équilibre.

## 28 recommandations, trois axes

La mission a formulé 28 recommandations, rangées en trois axes :

- **consolider** les tiers-lieux qui existent, pour qu’ils durent ;
- **en faire naître** là où il en manque, en particulier hors des grandes métropoles ;
- **les relier en réseau**, pour partager les savoir-faire, les outils et les données.

## 300 Fabriques de territoire

Mesure phare : identifier et soutenir **300 « Fabriques de territoire »**, des tiers-lieux structurants
installés dans les villes petites et moyennes et dans les quartiers prioritaires de la politique de la ville
(QPV), capables d’accompagner à leur tour les projets de leur territoire.

## L’État accompagne, il ne dirige pas

La mission insistait sur une posture : l’État **accompagne** une dynamique qui lui préexiste, il ne la pilote
pas. Il apporte des moyens sur plusieurs années, de la visibilité et de la mise en réseau, et laisse les
collectifs décider de leurs projets.

## « Faire ensemble »

Le fil rouge du rapport tient en deux mots : **faire ensemble**. Un tiers-lieu est d’abord un endroit où l’on
fait avec les autres — travailler, réparer, apprendre, produire — et où se retisse le lien entre les habitants
d’un territoire.""",
}

ARTICLES = [
    {
        "title": "Une nouvelle vague de l’appel « Fabriques de territoire » est ouverte",
        "standfirst": "Les tiers-lieux des villes petites et moyennes et des quartiers prioritaires peuvent déposer leur dossier.",
        "tags": ["Fabriques de territoire", "Appels", DEMO_TAG],
        "body": "La vague est ouverte sur la plateforme : consultez les conditions, vérifiez l’éligibilité de votre "
        "lieu dès la première étape et déposez votre dossier avant la date limite.",
        "calls": True,
        "days_ago": 9,
    },
    {
        "title": "Repair cafés : réparer ensemble, près de chez soi",
        "standfirst": "Petit tour des ateliers où l’on apprend à réparer plutôt qu’à jeter.",
        "tags": ["Portraits", DEMO_TAG],
        "body": "Un grille-pain, un vélo, une lampe : dans un repair café, on vient avec l’objet en panne et on "
        "repart avec l’objet réparé, et le savoir-faire en plus. Cherchez ceux de votre département dans l’atlas.",
        "department": "24",
        "days_ago": 4,
    },
]


class Command(BaseCommand):
    help = (
        "Crée les actualités, commentaires et alertes de démonstration (réglages de développement seulement)."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEMO_ACCOUNTS:
            raise CommandError(
                "Les données de démonstration n’existent qu’avec les réglages de développement."
            )
        now = timezone.now()
        editor, created = User.objects.get_or_create(
            email="redaction@demo.tiers-lieux.example",
            defaults={"first_name": "Rémi", "last_name": "Rédacteur", "is_active": True},
        )
        if created:
            editor.set_password("demo-tiers-lieux")
            editor.save()
        user_grant_role(user=editor, role=Role.EDITOR)
        mission = self._article(
            editor, {**MISSION, "body": MISSION["body"] + DEMO_NOTE}, now - timedelta(days=30)
        )
        for entry in ARTICLES:
            links = {}
            if entry.get("calls"):
                links["calls"] = list(Call.objects.filter(is_published=True)[:1])
            if entry.get("department"):
                links["departments"] = list(Department.objects.filter(pk=entry["department"]))
            self._article(
                editor,
                {**entry, "body": entry["body"] + DEMO_NOTE},
                now - timedelta(days=entry["days_ago"]),
                **links,
            )
        scheduled = self._article(
            editor,
            {
                "title": "À venir : le bilan annuel des Fabriques de territoire",
                "standfirst": "Les chiffres de l’année, région par région.",
                "tags": ["Fabriques de territoire", DEMO_TAG],
                "body": "Cet article est programmé : il sera publié automatiquement à sa date." + DEMO_NOTE,
            },
            None,
        )
        if scheduled.status == workflow.DRAFT:
            services.article_schedule(article=scheduled, user=editor, publish_at=now + timedelta(days=3))
        self._comments(mission, now)
        self._subscriptions(now)
        self.stdout.write(
            f"Actualités de démonstration : {Article.objects.filter(tags__name=DEMO_TAG).count()} articles"
        )

    def _article(self, editor, data, published_at, **links):
        article = Article.objects.filter(title=data["title"]).first()
        if article is not None:
            return article
        article = services.article_save(
            user=editor,
            title=data["title"],
            standfirst=data["standfirst"],
            body=data["body"],
            tags=data["tags"],
            **links,
        )
        if published_at is not None:
            services.article_transition(article=article, user=editor, action="publish", now=published_at)
        return article

    def _comments(self, article, now):
        if article.comments.exists():
            return
        first = Comment.objects.create(
            article=article,
            author_name="Camille (démo)",
            author_email="camille@demo.tiers-lieux.example",
            body="Merci pour ce résumé : le « faire ensemble » est exactement ce que nous vivons dans notre atelier.",
            status=workflow.APPROVED,
            created_at=now - timedelta(days=20),
            confirmed_at=now - timedelta(days=20),
            published_at=now - timedelta(days=20),
        )
        Comment.objects.create(
            article=article,
            parent=first,
            author_name="Rémi Rédacteur",
            author_email="redaction@demo.tiers-lieux.example",
            body="Merci Camille ! N’hésitez pas à compléter la fiche de votre atelier dans l’atlas.",
            status=workflow.APPROVED,
            created_at=now - timedelta(days=19),
            confirmed_at=now - timedelta(days=19),
            published_at=now - timedelta(days=19),
        )
        for name, email, body in [
            (
                "Dominique (démo)",
                "dominique@demo.tiers-lieux.example",
                "Où trouver la liste des 28 recommandations ?",
            ),
            (
                "Sacha (démo)",
                "sacha@demo.tiers-lieux.example",
                "Et pour les lieux en zone rurale, hors des petites villes ?",
            ),
        ]:
            Comment.objects.create(
                article=article, author_name=name, author_email=email, body=body, status=workflow.PENDING,
                created_at=now - timedelta(hours=5), confirmed_at=now - timedelta(hours=4),
            )  # fmt: skip

    def _subscriptions(self, now):
        for email, stream, params, frequency in [
            ("abonnee@demo.tiers-lieux.example", "news.articles", {}, "weekly"),
            ("abonnee@demo.tiers-lieux.example", "calls.calls", {}, "immediate"),
            ("en-attente@demo.tiers-lieux.example", "news.articles", {}, "daily"),
        ]:
            outcome = alerts.subscription_request(
                email=email, stream_key=stream, params=params, frequency=frequency, source="demo",
                consent_text=str(CONSENT_TEXT), now=now, send_confirmation=False,
            )  # fmt: skip
            if email.startswith("abonnee") and not outcome.confirmed:
                alerts.subscriptions_confirm(recipient=outcome.subscription.recipient, now=now)
