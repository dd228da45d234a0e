"""Forms of the programme managers' pages, and the message form both sides of a thread use.

Forms validate; `screening_services` and `message_services` act.
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from applications.selectors.staff import format_deadline
from applications.services.messages import MAX_ATTACHMENTS, MAX_BODY_LENGTH, attachment_check
from waves.deadlines import paris_date


class CorrectionForm(DsfrBaseForm):
    message = forms.CharField(
        label=_("Message au porteur"),
        help_text=_("Ce qu'il faut corriger ; le porteur le reçoit par courriel et dans la messagerie."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_BODY_LENGTH,
        error_messages={"required": _("Indiquez ce que le porteur doit corriger.")},
    )


class GoForm(DsfrBaseForm):
    note = forms.CharField(
        label=_("Message au porteur (facultatif)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=MAX_BODY_LENGTH,
    )


class NoGoForm(DsfrBaseForm):
    reasons = forms.CharField(
        label=_("Motifs et recommandations"),
        help_text=_("Communiqués au porteur, qui pourra déposer une nouvelle lettre d'intention."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_BODY_LENGTH,
        error_messages={"required": _("Les motifs et recommandations sont obligatoires pour un NO GO.")},
    )


class ExtensionForm(DsfrBaseForm):
    new_date = forms.DateField(
        label=_("Nouvelle date limite"),
        help_text=_("Le dossier sera attendu jusqu'à 23:59 (heure de Paris) ce jour-là."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": _("Indiquez la nouvelle date limite."),
            "invalid": _("Saisissez une date valide (jj/mm/aaaa)."),
        },
    )
    reason = forms.CharField(
        label=_("Motif de la prolongation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_BODY_LENGTH,
        error_messages={"required": _("Indiquez le motif de la prolongation.")},
    )

    def __init__(self, *args, current_deadline=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_deadline = current_deadline

    def clean_new_date(self):
        new_date: date = self.cleaned_data["new_date"]
        if self.current_deadline is not None:
            if new_date <= paris_date(self.current_deadline):
                raise ValidationError(
                    _("La nouvelle date doit être postérieure à la date limite actuelle (%(date)s).")
                    % {"date": format_deadline(self.current_deadline)}
                )
        return new_date


class StaffNoteForm(DsfrBaseForm):
    body = forms.CharField(
        label=_("Note interne"),
        help_text=_("Visible des seuls chargés de programme et administrateurs."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_BODY_LENGTH,
        error_messages={"required": _("La note est vide.")},
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class MessageForm(DsfrBaseForm):
    """A message in an application's thread, from either side."""

    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_BODY_LENGTH,
        required=False,
    )
    attachments = MultipleFileField(
        label=_("Pièces jointes"),
        help_text=_("PDF, images (PNG, JPEG, GIF, WebP) ou tableurs (XLSX, XLSM, ODS) ; 5 fichiers au plus."),
        required=False,
    )

    def __init__(self, *args, allow_macros: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # The call's rule (Call.allow_macro_workbooks), as for every other upload of the dossier.
        self.allow_macros = allow_macros

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(_("Au plus %(n)d pièces jointes par message.") % {"n": MAX_ATTACHMENTS})
        errors = []
        for upload in files:
            try:
                attachment_check(upload, allow_macros=self.allow_macros)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return files

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("body") or "").strip() and not cleaned.get("attachments") and not self.errors:
            # On the message field, so that the error summary links to it (issue 13).
            self.add_error("body", _("Écrivez un message ou joignez un fichier."))
        return cleaned
