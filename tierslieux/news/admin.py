"""The news in the Django admin (programme staff). Commenters' addresses are never shown."""

from django.contrib import admin

from .models import Article, Comment, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "published_at", "author"]
    list_filter = ["status", "tags"]
    search_fields = ["title", "standfirst"]
    readonly_fields = ["status", "published_at", "version"]
    autocomplete_fields = []
    filter_horizontal = ["tags"]
    exclude = ["places", "communes"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["article", "author_name", "status", "created_at"]
    list_filter = ["status"]
    exclude = ["author_email", "user", "reply_subscription"]
    readonly_fields = ["article", "parent", "status", "created_at", "published_at", "confirmed_at"]
