from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project's own system checks (no models)."""

    name = "config"
    label = "case_assessment"

    def ready(self) -> None:
        from . import shared_state  # noqa: F401 (registers the deploy check)
