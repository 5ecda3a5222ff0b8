from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "tierslieux.selection"
    label = "selection"
    verbose_name = "Sélection des lauréats"
