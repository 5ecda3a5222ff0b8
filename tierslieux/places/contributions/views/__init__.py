"""Contribution pages: public forms, manager pages, staff moderation and import."""
