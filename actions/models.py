"""The call's thematic actions (1 to 5) and their components (3a/3b, 5a/5b)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cma_portal.i18n import pick


class Action(models.Model):
    number = models.PositiveSmallIntegerField(_("numéro"), unique=True)
    title_fr = models.CharField(_("intitulé (français)"), max_length=300)
    title_en = models.CharField(_("intitulé (anglais)"), max_length=300, blank=True)
    short_title_fr = models.CharField(_("intitulé court (français)"), max_length=120)
    short_title_en = models.CharField(_("intitulé court (anglais)"), max_length=120, blank=True)
    description_fr = models.TextField(_("description (français)"))
    description_en = models.TextField(_("description (anglais)"), blank=True)
    target_fr = models.TextField(_("objectif publié (français)"), blank=True)
    target_en = models.TextField(_("objectif publié (anglais)"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "number"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self):
        return f"Action {self.number} — {self.short_title}"

    def get_absolute_url(self):
        return reverse("actions:detail", args=[self.number])

    @property
    def title(self):
        return pick(self, "title")

    @property
    def short_title(self):
        return pick(self, "short_title")

    @property
    def description(self):
        return pick(self, "description")

    @property
    def target(self):
        return pick(self, "target")


class ActionComponent(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="components")
    code = models.CharField(_("code"), max_length=8, unique=True, help_text=_("Par exemple 3a."))
    title_fr = models.CharField(_("intitulé (français)"), max_length=300)
    title_en = models.CharField(_("intitulé (anglais)"), max_length=300, blank=True)
    description_fr = models.TextField(_("description (français)"), blank=True)
    description_en = models.TextField(_("description (anglais)"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["action__order", "order", "code"]
        verbose_name = _("volet d'action")
        verbose_name_plural = _("volets d'action")

    def __str__(self):
        return f"{self.code} — {self.title}"

    @property
    def title(self):
        return pick(self, "title")

    @property
    def description(self):
        return pick(self, "description")
