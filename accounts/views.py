"""Each user's own account pages under /compte/profil/: preferences, calendar feed, personal
data, account deletion, and accepting a staff invitation."""

import json
from urllib.parse import urlencode

from allauth.account.models import EmailAddress
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from dsfr.forms import DsfrBaseForm

from accounts import calendar_feed
from accounts import services as account_services
from cma_portal.adapters import PENDING_INVITATION_SESSION_KEY
from cma_portal.models import Invitation, User
from pilotage import services as pilotage_services


class PreferencesForm(DsfrBaseForm):
    notify_announcements = forms.BooleanField(
        label=gettext_lazy("Recevoir les annonces d'ouverture de vagues"), required=False
    )
    preferred_language = forms.ChoiceField(
        label=gettext_lazy("Langue des courriels"), choices=[("fr", "Français"), ("en", "English")]
    )


class DeleteAccountForm(DsfrBaseForm):
    confirm = forms.CharField(
        label=gettext_lazy("Pour confirmer, saisissez votre adresse électronique"),
        error_messages={"required": gettext_lazy("Saisissez votre adresse électronique pour confirmer.")},
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip().lower()
        if value != self.user.email.lower():
            raise forms.ValidationError(gettext_lazy("L'adresse saisie n'est pas celle de votre compte."))
        return value


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        initial={
            "notify_announcements": user.notify_announcements,
            "preferred_language": user.preferred_language,
        },
    )
    if request.method == "POST" and form.is_valid():
        account_services.user_update_preferences(user=user, **form.cleaned_data)
        messages.success(request, _("Vos préférences sont enregistrées."))
        return redirect("profile:index")
    feed_url = request.build_absolute_uri(reverse("profile:calendar_feed", args=[user.calendar_token]))
    return render(
        request,
        "account/profile.html",
        {"title": _("Mon profil"), "form": form, "feed_url": feed_url},
    )


@login_required
@require_POST
def regenerate_calendar_token(request):
    account_services.user_regenerate_calendar_token(user=request.user)
    messages.success(request, _("Nouvelle adresse d'agenda créée : l'ancienne ne fonctionne plus."))
    return redirect("profile:index")


@never_cache
@require_GET
def calendar_feed_view(request, token):
    """The private feed: the token in the URL is the only credential (calendar apps cannot log in)."""
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404
    body = calendar_feed.user_calendar(user)
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="cma-echeances.ics"'
    return response


@login_required
@require_GET
def export_data(request):
    data = account_services.user_export_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="mes-donnees-portail-cma.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    user = request.user
    blocking = list(account_services.submitted_applications_owned(user).order_by("pk"))
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and not blocking and form.is_valid():
        try:
            account_services.user_delete_account(user=user)
        except account_services.AccountDeletionRefused:
            messages.error(
                request,
                _("Votre compte ne peut pas être supprimé : une candidature a été déposée entre-temps."),
            )
            return redirect("profile:delete")
        logout(request)
        messages.success(request, _("Votre compte est supprimé."))
        return redirect("home")
    status = 409 if request.method == "POST" and blocking else 200
    return render(
        request,
        "account/profile_delete.html",
        {"title": _("Supprimer mon compte"), "form": form, "blocking": blocking},
        status=status,
    )


def _address_problem(user, invitation) -> str | None:
    """Why `user` may not accept `invitation`, or None: the invited address must be the
    account's address and confirmed through allauth."""
    if invitation.email.lower() != user.email.lower():
        return _(
            "Cette invitation a été envoyée à une autre adresse : connectez-vous avec l'adresse invitée."
        )
    if not EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists():
        return _(
            "Votre adresse n'est pas encore confirmée : ouvrez le lien reçu par courriel, puis revenez "
            "sur cette page."
        )
    return None


@require_http_methods(["GET", "POST"])
def accept_invitation(request, token):
    """The invitation link. Anonymous visitors see what they are invited to and are offered to
    sign up or log in; the token is remembered in the session so that, once their address is
    confirmed or they have logged in, `cma_portal.adapters.AccountAdapter` brings them back
    here. Accepting is always an explicit POST by an account whose confirmed address is the
    invited one."""
    invitation = get_object_or_404(Invitation.objects.prefetch_related("actions"), token=token)
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.path)
        usable = invitation.is_usable()
        if usable:
            request.session[PENDING_INVITATION_SESSION_KEY] = invitation.token
        next_query = urlencode({"next": request.path})
        return render(
            request,
            "account/profile_invitation.html",
            {
                "title": _("Invitation"),
                "invitation": invitation,
                "error": None if usable else _("Cette invitation a déjà été utilisée ou a expiré."),
                "anonymous": True,
                "signup_url": f"{reverse('account_signup')}?{next_query}",
                "login_url": f"{reverse('account_login')}?{next_query}",
            },
        )
    error = None
    if request.method == "POST":
        error = _address_problem(request.user, invitation)
        if error is None:
            try:
                pilotage_services.invitation_accept(invitation=invitation, user=request.user)
            except pilotage_services.PilotageError as exc:
                error = str(exc.message)
            else:
                request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
                messages.success(
                    request,
                    _(
                        "Invitation acceptée. Configurez maintenant la double authentification pour "
                        "accéder à vos pages."
                    ),
                )
                return redirect("mfa_activate_totp")
    elif not invitation.is_usable():
        request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
        error = _("Cette invitation a déjà été utilisée ou a expiré.")
    else:
        error = _address_problem(request.user, invitation)
    return render(
        request,
        "account/profile_invitation.html",
        {"title": _("Invitation"), "invitation": invitation, "error": error},
        status=400 if error and request.method == "POST" else 200,
    )
