"""Administrators' forms for waves. Instants are typed in Paris time (`datetime-local`)."""

from datetime import UTC, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from actions.models import Action
from cma_portal.form_fields import BoundedModelMultipleChoiceField
from cma_portal.formats import number as format_number
from waves.deadlines import PARIS
from waves.models import Wave

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class ParisDateTimeField(forms.DateTimeField):
    """A `<input type="datetime-local">` read as Europe/Paris wall-clock time, whatever the
    browser's or the request's time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT)
    input_formats = [LOCAL_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
    default_error_messages = {
        "invalid": _("Saisissez une date et une heure valides (jj/mm/aaaa hh:mm)."),
        "nonexistent": _("Cette heure n'existe pas à Paris ce jour-là (changement d'heure)."),
    }

    def prepare_value(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value):
            return value.astimezone(PARIS).replace(tzinfo=None)
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value if timezone.is_aware(value) else self._aware(value)
        naive = None
        for fmt in self.input_formats:
            try:
                naive = datetime.strptime(str(value).strip(), fmt)
                break
            except ValueError:
                continue
        if naive is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return self._aware(naive)

    def _aware(self, naive: datetime) -> datetime:
        aware = naive.replace(tzinfo=PARIS)
        # A wall-clock time skipped by the spring DST change does not survive a round trip.
        if aware.astimezone(UTC).astimezone(PARIS).replace(tzinfo=None) != naive:
            raise ValidationError(self.error_messages["nonexistent"], code="nonexistent")
        return aware


class WaveForm(DsfrBaseForm):
    """Creating or editing a wave. `instance` (an existing wave) enables the envelope check
    against what is already granted."""

    name_fr = forms.CharField(label=_("Nom (français)"), max_length=200)
    name_en = forms.CharField(label=_("Nom (anglais)"), max_length=200, required=False)
    mode = forms.ChoiceField(label=_("Mode"), choices=Wave.Mode.choices, initial=Wave.Mode.SCHEDULED)
    opens_at = ParisDateTimeField(label=_("Ouverture (heure de Paris)"))
    closes_at = ParisDateTimeField(
        label=_("Clôture (heure de Paris)"),
        required=False,
        help_text=_("Obligatoire pour une vague à date fixe ; facultative au fil de l'eau."),
    )
    actions = BoundedModelMultipleChoiceField(
        label=_("Actions ouvertes"),
        queryset=Action.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    budget_envelope = forms.DecimalField(
        label=_("Enveloppe budgétaire (€)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )
    committee_date = forms.DateField(
        label=_("Date du comité GO / NO GO"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )

    def __init__(self, *args, instance: Wave | None = None, now: datetime | None = None, **kwargs):
        self.instance = instance
        self.now = now or timezone.now()
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name_fr": instance.name_fr,
                "name_en": instance.name_en,
                "mode": instance.mode,
                "opens_at": instance.opens_at,
                "closes_at": instance.closes_at,
                "actions": list(instance.actions.all()),
                "budget_envelope": instance.budget_envelope,
                "committee_date": instance.committee_date,
            }
        super().__init__(*args, **kwargs)

    def clean_actions(self):
        actions = self.cleaned_data.get("actions")
        if not actions:
            raise ValidationError(_("Cochez au moins une action ouverte à cette vague."))
        return actions

    def clean_budget_envelope(self):
        envelope = self.cleaned_data.get("budget_envelope")
        if envelope is not None and self.instance is not None:
            granted = self.instance.granted_total()
            if envelope < granted:
                raise ValidationError(
                    _(
                        "L'enveloppe ne peut pas être inférieure à l'aide déjà accordée aux lauréats "
                        "de cette vague (%(granted)s €)."
                    )
                    % {"granted": format_number(granted, 2)}
                )
        return envelope

    def clean(self):
        data = super().clean()
        opens_at, closes_at, mode = data.get("opens_at"), data.get("closes_at"), data.get("mode")
        if mode == Wave.Mode.SCHEDULED and "closes_at" in data and closes_at is None:
            self.add_error("closes_at", _("Une vague à date fixe doit avoir une date de clôture."))
        if closes_at is not None:
            if opens_at is not None and closes_at <= opens_at:
                self.add_error("closes_at", _("La clôture doit être postérieure à l'ouverture."))
            elif closes_at <= self.now and (self.instance is None or closes_at != self.instance.closes_at):
                self.add_error("closes_at", _("La date de clôture est déjà passée."))
        return data


class WaveExtendForm(DsfrBaseForm):
    closes_at = ParisDateTimeField(label=_("Nouvelle clôture (heure de Paris)"))
    reason = forms.CharField(
        label=_("Motif de la prolongation"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, wave: Wave, now: datetime | None = None, **kwargs):
        self.wave = wave
        self.now = now or timezone.now()
        super().__init__(*args, **kwargs)

    def clean_closes_at(self):
        closes_at = self.cleaned_data["closes_at"]
        if closes_at <= self.now:
            raise ValidationError(_("La date de clôture est déjà passée."))
        if closes_at <= self.wave.opens_at:
            raise ValidationError(_("La clôture doit être postérieure à l'ouverture."))
        if self.wave.closes_at and closes_at <= self.wave.closes_at:
            raise ValidationError(_("Une prolongation doit repousser la clôture actuelle."))
        return closes_at

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Indiquez le motif."))
        return reason


class WaveCloseForm(DsfrBaseForm):
    reason = forms.CharField(
        label=_("Motif de la clôture anticipée"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Indiquez le motif."))
        return reason
