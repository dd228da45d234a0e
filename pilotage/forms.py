"""Forms of the steering pages (users, invitations, editable pages, edited emails)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from actions.models import Action
from cma_portal import roles
from cma_portal.email_overrides import braced, check_text
from cma_portal.form_fields import BoundedModelMultipleChoiceField
from cma_portal.models import Invitation

ROLE_LABELS = {
    roles.PROGRAMME_MANAGER: _("Chargé·e de programme"),
    roles.REVIEWER: _("Évaluateur·rice"),
    roles.ADMINISTRATOR: _("Administrateur·rice"),
}


class InvitationForm(DsfrBaseForm):
    email = forms.EmailField(
        label=_("Adresse électronique"),
        error_messages={"invalid": _("Saisissez une adresse électronique valide.")},
    )
    role = forms.ChoiceField(label=_("Rôle"), choices=Invitation.ROLE_CHOICES)
    actions = BoundedModelMultipleChoiceField(
        label=_("Actions couvertes"),
        queryset=Action.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Obligatoire pour un·e évaluateur·rice."),
    )

    def clean(self):
        data = super().clean()
        if data.get("role") == roles.REVIEWER and not data.get("actions"):
            self.add_error("actions", _("Cochez au moins une action couverte par l'évaluateur·rice."))
        return data

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        from cma_portal.models import User

        user = User.objects.filter(email__iexact=email).first()
        role = self.data.get("role")
        if user is not None and role and roles.has_role(user, role):
            raise ValidationError(_("Cette personne a déjà ce rôle."))
        return email


class UserRolesForm(DsfrBaseForm):
    staff_roles = forms.MultipleChoiceField(
        label=_("Rôles"),
        choices=list(ROLE_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Décochez tout pour retirer les rôles : la personne reste candidate."),
    )


class SitePageForm(DsfrBaseForm):
    title_fr = forms.CharField(label=_("Titre (français)"), max_length=200)
    title_en = forms.CharField(label=_("Titre (anglais)"), max_length=200, required=False)
    body_fr = forms.CharField(
        label=_("Texte (français)"),
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_(
            "Texte simple : une ligne vide sépare les paragraphes ; « ## » en début de paragraphe en fait un intertitre."
        ),
    )
    body_en = forms.CharField(
        label=_("Texte (anglais)"), widget=forms.Textarea(attrs={"rows": 18}), required=False
    )


class EmailTemplateForm(DsfrBaseForm):
    """The subject and text of one email in both languages. Placeholders are checked here
    (`email_overrides.check_text`): an unknown one is refused with the list of those allowed."""

    subject_fr = forms.CharField(label=_("Objet (français)"), max_length=255)
    body_fr = forms.CharField(label=_("Texte (français)"), widget=forms.Textarea(attrs={"rows": 14}))
    subject_en = forms.CharField(label=_("Objet (anglais)"), max_length=255)
    body_en = forms.CharField(label=_("Texte (anglais)"), widget=forms.Textarea(attrs={"rows": 14}))
    # The versions the editor started from (0: the default), against lost updates.
    version_fr = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1, required=False
    )
    version_en = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1, required=False
    )

    def __init__(self, *args, allowed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = allowed
        hint = _("Variables : %(names)s. Aucune autre balise n'est acceptée.") % {
            "names": ", ".join(braced(name) for name in allowed)
        }
        for name in ("body_fr", "body_en"):
            self.fields[name].help_text = hint

    def _checked(self, field: str) -> str:
        value = self.cleaned_data[field]
        errors = check_text(value, self.allowed)
        if errors:
            raise ValidationError(errors)
        return value

    def clean_subject_fr(self):
        return self._checked("subject_fr")

    def clean_body_fr(self):
        return self._checked("body_fr")

    def clean_subject_en(self):
        return self._checked("subject_en")

    def clean_body_en(self):
        return self._checked("body_en")
