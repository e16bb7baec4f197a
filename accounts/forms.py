"""Forms of sign-up, log-in and password change: Django's own, with text PostgreSQL can store
(netlearn/validators.py) and a username bounded before anything looks it up."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, UserCreationForm
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest

from netlearn.validators import UNSTORABLE, StorableTextMixin


def username_max_length() -> int:
    return get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD).max_length or 150


class SignupForm(StorableTextMixin, UserCreationForm):
    """Django's own sign-up form: username and password twice, with the password validators."""


class LoginForm(StorableTextMixin, AuthenticationForm):
    """Django's log-in form, whose username is bounded like the accounts' own.

    Django's form only sets the input's ``maxlength`` attribute, so a 5,000-character username
    posted by a script went on to the lockout, which keeps it in a varchar(255): a 500 on
    PostgreSQL. Here it is a form error, and nothing past the form sees it.
    """

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].validators.append(MaxLengthValidator(username_max_length()))


class PasswordForm(StorableTextMixin, PasswordChangeForm):
    """Django's password change form, refusing characters PostgreSQL can't store."""


def lockout_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username django-axes counts failures for (``AXES_USERNAME_CALLABLE``).

    The same name the log-in form accepted; bounded here as well so that any other log-in path
    (the admin's form, a future API) can't hand axes a value its table refuses.
    """
    if credentials:
        raw = credentials.get("username")
    else:
        raw = getattr(request, "POST", {}).get("username")
    if raw is None:
        return None
    return UNSTORABLE.sub("\ufffd", str(raw))[: username_max_length()]
