"""A message written once by a programme manager to every application matching a filter of the
staff list (issue 15). Each copy is a `Message` in the application's thread; this row records
the sending and makes it idempotent (the preview's token is unique: a double click sends once)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BulkMessage(models.Model):
    token = models.CharField(max_length=64, unique=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    filters = models.JSONField(default=dict, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "applications"
        ordering = ["-created_at", "-id"]
        verbose_name = _("message groupé")
        verbose_name_plural = _("messages groupés")
