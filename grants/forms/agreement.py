"""Staff forms of the agreement: preparation, schedule, countersignature, payments, decisions.

Forms validate; `grants.services` act."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from applications.validators import validate_pdf
from grants.models import Agreement

# A signed agreement is a few pages; a scanned one stays well under this.
SIGNED_MAX_PAGES = 60


class PrepareForm(DsfrBaseForm):
    amount_granted = forms.DecimalField(
        label=_("Montant accordé (€)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    aid_rate = forms.DecimalField(
        label=_("Taux d'aide (%)"), max_digits=5, decimal_places=2, min_value=Decimal("0.01")
    )
    start_date = forms.DateField(label=_("Date de début"), widget=forms.DateInput(attrs={"type": "date"}))
    duration_months = forms.IntegerField(label=_("Durée (mois)"), min_value=1)
    special_conditions = forms.CharField(
        label=_("Conditions particulières"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )

    def __init__(self, *args, application, **kwargs):
        self.call = application.wave.call
        super().__init__(*args, **kwargs)
        self.fields["duration_months"].max_value = self.call.max_duration_months
        self.fields["duration_months"].help_text = _("Au plus %(max)s mois.") % {
            "max": self.call.max_duration_months
        }
        self.fields["aid_rate"].help_text = _("Au plus %(max)s %%.") % {"max": self.call.max_aid_rate}
        if application.aid_granted is not None:
            self.fields["amount_granted"].help_text = _("Aide décidée : %(aid)s €.") % {
                "aid": f"{application.aid_granted:.2f}"
            }
        self.aid_decided = application.aid_granted

    def clean_duration_months(self):
        value = self.cleaned_data["duration_months"]
        if value > self.call.max_duration_months:
            raise ValidationError(
                _("La durée ne peut pas dépasser %(max)s mois.") % {"max": self.call.max_duration_months}
            )
        return value

    def clean_aid_rate(self):
        value = self.cleaned_data["aid_rate"]
        if value > self.call.max_aid_rate:
            raise ValidationError(
                _("Le taux ne peut pas dépasser %(max)s %%.") % {"max": self.call.max_aid_rate}
            )
        return value

    def clean_amount_granted(self):
        value = self.cleaned_data["amount_granted"]
        if self.aid_decided is not None and value > self.aid_decided:
            raise ValidationError(_("Le montant ne peut pas dépasser l'aide décidée."))
        return value


def prepare_initial(application, agreement: Agreement | None) -> dict:
    if agreement is not None:
        return {
            "amount_granted": agreement.amount_granted,
            "aid_rate": agreement.aid_rate,
            "start_date": agreement.start_date,
            "duration_months": agreement.duration_months,
            "special_conditions": agreement.special_conditions,
        }
    call = application.wave.call
    return {
        "amount_granted": application.aid_granted,
        "aid_rate": call.max_aid_rate,
        "duration_months": min(
            application.planned_duration_months or call.max_duration_months, call.max_duration_months
        ),
    }


class ScheduleForm(DsfrBaseForm):
    """One percentage and one planned date per instalment; the percentages must sum to 100."""

    def __init__(self, *args, instalments, **kwargs):
        super().__init__(*args, **kwargs)
        self.instalments = list(instalments)
        for instalment in self.instalments:
            self.fields[f"pct_{instalment.pk}"] = forms.DecimalField(
                label=_("Part de « %(name)s » (%%)") % {"name": instalment},
                max_digits=5,
                decimal_places=2,
                min_value=Decimal("0.01"),
                max_value=Decimal("100"),
                initial=instalment.percentage,
            )
            self.fields[f"date_{instalment.pk}"] = forms.DateField(
                label=_("Date prévue de « %(name)s »") % {"name": instalment},
                initial=instalment.planned_date,
                widget=forms.DateInput(attrs={"type": "date"}),
            )

    def clean(self):
        cleaned = super().clean()
        values = [cleaned.get(f"pct_{i.pk}") for i in self.instalments]
        if all(v is not None for v in values) and sum(values) != Decimal("100"):
            raise ValidationError(
                _("Les parts doivent totaliser 100 %% (total saisi : %(total)s %%).") % {"total": sum(values)}
            )
        return cleaned

    def rows(self):
        return [
            (i.pk, self.cleaned_data[f"pct_{i.pk}"], self.cleaned_data[f"date_{i.pk}"])
            for i in self.instalments
        ]


class SignedPdfForm(DsfrBaseForm):
    """The agreement signed (by the laureate) or countersigned (by staff): a real PDF."""

    file = forms.FileField(label=_("Convention signée (PDF)"))

    def __init__(self, *args, required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].required = required
        if not required:
            self.fields["file"].label = _(
                "Convention contresignée (PDF, facultatif : sinon, confirmez simplement)"
            )

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded:
            validate_pdf(uploaded, max_pages=SIGNED_MAX_PAGES)
        return uploaded


class PaymentForm(DsfrBaseForm):
    paid_on = forms.DateField(label=_("Payé le"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Référence du paiement"), max_length=64)


class ReasonForm(DsfrBaseForm):
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class CorrectionForm(DsfrBaseForm):
    message = forms.CharField(
        label=_("Message au lauréat"),
        help_text=_("Ce qu'il faut corriger ; le lauréat le reçoit par courriel et dans la messagerie."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
