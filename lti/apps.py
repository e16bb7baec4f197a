from django.apps import AppConfig


class LtiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lti"
    verbose_name = "LTI 1.3 (NetLearn inside an LMS)"

    def ready(self) -> None:
        # Score passback follows every graded attempt without lessons' services knowing (grades.py).
        from lti import grades

        grades.connect_signals()
