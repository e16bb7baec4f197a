"""Sign-up; log-in, log-out and password change are Django's own views (accounts/urls.py)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import SignupForm
from netlearn import ratelimit
from netlearn.clientip import client_ip

# Accounts a client address may create, and all addresses together, per window
# (RATELIMIT_SIGNUP and RATELIMIT_SIGNUP_ALL): every per-learner limit is worth only as much as
# the cost of another account.
SIGNUP_RATES = {"signup": "5/h", "signup_all": "200/h"}


def _signup_limits(request: HttpRequest):
    """(key, identity, rate) of each sign-up limit: per client address, and everyone's."""
    address = f"ip:{client_ip(request) or ''}"
    for key, identity in (("signup", address), ("signup_all", "everyone")):
        yield key, identity, ratelimit.rate_for(key, SIGNUP_RATES[key])


def _signup_wait(request: HttpRequest) -> int:
    """Seconds until this client may create an account (0: now)."""
    if not getattr(settings, "RATELIMIT_ENABLED", True):
        return 0
    return max(ratelimit.waiting(*limit) for limit in _signup_limits(request))


def _count_signup(request: HttpRequest) -> None:
    """Only accounts actually created count, so a learner who mistyped the password twice is
    never the one turned away."""
    for limit in _signup_limits(request):
        ratelimit.hit(*limit)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    wait = _signup_wait(request)
    if wait:  # before the form, so nobody fills it in only to be turned away
        return ratelimit.too_many(request, limit="new accounts", wait=wait, signup=True)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        _count_signup(request)
        # A new learner should land on the course, not on a log-in form.
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("home")
    return render(request, "accounts/signup.html", {"form": form})
