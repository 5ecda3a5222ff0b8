"""Mounted under /evenements/: the calendar, event pages, managers' pages and the feeds."""

from django.urls import path

from .views import events, feeds

app_name = "events"

urlpatterns = [
    path("", events.event_list, name="list"),
    path("mois/", events.month, name="month"),
    path("mois/<int:year>/<int:month>/", events.month, name="month_of"),
    path("carte.geojson", events.points, name="points"),
    path("calendrier.ics", feeds.feed_all, name="feed_all"),
    path("flux.atom", feeds.EventsFeed(), name="feed_atom"),
    path("flux.rss", feeds.EventsRss(), name="feed_rss"),
    path("lieux/<slug:slug>.ics", feeds.feed_place, name="feed_place"),
    path("departements/<str:code>.ics", feeds.feed_department, name="feed_department"),
    path("regions/<str:code>.ics", feeds.feed_region, name="feed_region"),
    path("categories/<str:code>.ics", feeds.feed_category, name="feed_category"),
    path("lieux/<slug:slug>/", events.place_events, name="place"),
    path("lieux/<slug:slug>/nouveau/", events.event_create, name="create"),
    path("calendriers/<int:pk>/retirer/", events.source_remove, name="source_remove"),
    path("<int:pk>/modifier/", events.event_edit, name="edit"),
    path("<int:pk>/action/", events.event_action, name="action"),
    path("<int:pk>/image/", events.image, name="image"),
    path("<int:pk>-<slug:slug>/", events.detail, name="detail"),
    path("<int:pk>/", events.detail, name="detail_short"),
]
