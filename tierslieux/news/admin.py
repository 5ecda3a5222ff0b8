"""The news in the Django admin (administrators only): tags are edited here; articles (workflow, versions) and
comments (moderation) are read-only — they change through the editors' and moderators' pages. Commenters'
addresses are never shown."""

from django.contrib import admin

from tierslieux.core.admin_tools import ReadOnlyAdmin

from .models import Article, Comment, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    list_display = ["title", "status", "published_at", "author"]
    list_filter = ["status", "tags"]
    search_fields = ["title", "standfirst"]
    readonly_fields = ["status", "published_at", "version"]
    autocomplete_fields = []
    filter_horizontal = ["tags"]
    exclude = ["places", "communes"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["article", "author_name", "status", "created_at"]
    list_filter = ["status"]
    exclude = ["author_email", "user", "reply_subscription"]
    readonly_fields = ["article", "parent", "status", "created_at", "published_at", "confirmed_at"]
