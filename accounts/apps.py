from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"

    def ready(self) -> None:
        from accounts.backends import connect_signals

        connect_signals()  # a saved or deleted user leaves the user cache (accounts/backends.py)
