from django.urls import path

from .views import comments, editor, feeds, moderation, public

app_name = "news"

urlpatterns = [
    path("", public.article_list, name="list"),
    path("rss.xml", feeds.ArticlesFeed(), name="rss"),
    path("atom.xml", feeds.ArticlesAtomFeed(), name="atom"),
    path("etiquette/<slug:slug>/", public.tag_list, name="tag"),
    path("etiquette/<slug:slug>/rss.xml", feeds.ArticlesFeed(), name="tag_rss"),
    path("etiquette/<slug:slug>/atom.xml", feeds.ArticlesAtomFeed(), name="tag_atom"),
    path("redaction/", editor.manage, name="manage"),
    path("redaction/nouvel-article/", editor.create, name="create"),
    path("redaction/<int:pk>/", editor.edit, name="edit"),
    path("redaction/<int:pk>/action/", editor.action, name="article_action"),
    path("moderation/", moderation.queue, name="moderation"),
    path("moderation/<int:pk>/", moderation.moderate, name="moderate"),
    path("moderation/article/<int:pk>/commentaires/", moderation.comments_toggle, name="comments_toggle"),
    path("commentaires/<int:pk>/confirmer/<str:token>/", comments.confirm, name="comment_confirm"),
    path("commentaires/<int:pk>/modifier/", comments.edit, name="comment_edit"),
    path("commentaires/<int:pk>/supprimer/", comments.delete, name="comment_delete"),
    path("commentaires/<int:pk>/signaler/", comments.report, name="comment_report"),
    path("<slug:slug>/", public.detail, name="detail"),
    path("<slug:slug>/commentaires/", comments.post, name="comment_post"),
]
