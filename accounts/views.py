from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import services
from .forms import ApiTokenForm, SignInForm
from .middleware import session_expired

NEW_TOKEN_SESSION_KEY = "api_token_created"  # noqa: S105 (a session key, not a secret)
REVOKED = "Token revoked: scripts using it can no longer sign in."


class SignInView(LoginView):
    """Sign in, then go where the user was going, or to LOGIN_REDIRECT_URL ("start": their own cases if cases are all
    they work on, otherwise the PDU list)."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # Signed out by expiry, not by choice: say so, and that typed answers are kept (js/case-draft.js).
        return super().get_context_data(**kwargs) | {"session_expired": session_expired(self.request)}


@login_required
def api_tokens(request):
    """List the user's tokens, create a named one (shown once, on the page after creating it)."""
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            _token, secret = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
            # Shown once, on the next page only: the session keeps it for exactly one request.
            request.session[NEW_TOKEN_SESSION_KEY] = {"name": form.cleaned_data["name"], "secret": secret}
            return redirect("api_tokens")
    else:
        form = ApiTokenForm()
    created = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    tokens = list(services.api_tokens_for_user(request.user))
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": tokens,
            "stopped": [token for token in tokens if token.stopped],
            "token_days": services.token_lifetime_days(),
        },
    )


@login_required
@require_POST
def api_token_revoke(request, token_key: str):
    if not services.api_token_revoke(user=request.user, token_key=token_key):
        raise Http404("No such token")
    messages.success(request, REVOKED)
    return redirect("api_tokens")
