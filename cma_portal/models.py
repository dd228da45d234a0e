"""Users and the audit trail: the portal-wide models every app relies on."""

import secrets

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


def new_calendar_token():
    return secrets.token_urlsafe(32)


class User(AbstractBaseUser, PermissionsMixin):
    """A person using the portal. Email is the login; roles are groups (see `roles.py`)."""

    email = models.EmailField(_("adresse électronique"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("langue préférée"),
        max_length=8,
        choices=[("fr", "Français"), ("en", "English")],
        default="fr",
    )
    notify_announcements = models.BooleanField(_("recevoir les annonces d'ouverture de vagues"), default=True)
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token, editable=False)
    is_staff = models.BooleanField(_("accès à l'administration Django"), default=False)
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("utilisateur·rice")
        verbose_name_plural = _("utilisateur·rices")
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        # One account per address whatever its case: allauth looks addresses up lower-cased.
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email


class AuditEvent(models.Model):
    """One recorded fact: who did what to which object, when. Never updated, never deleted.

    `object_type` is the model label (e.g. ``applications.application``); workflow transitions
    fill `from_state` / `to_state`.
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        "cma_portal.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    verb = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("événement d'audit")
        verbose_name_plural = _("événements d'audit")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["object_type", "object_id", "created_at"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.verb} {self.object_type}#{self.object_id}"


def new_invitation_token():
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An administrator's invitation to join the staff as a reviewer or programme manager.

    The link carries `token`; whoever accepts it while logged in with the invited address
    receives the role (and, for reviewers, the actions they cover)."""

    ROLE_CHOICES = [
        ("reviewer", _("Évaluateur·rice")),
        ("programme_manager", _("Chargé·e de programme")),
    ]

    email = models.EmailField(_("adresse électronique"))
    role = models.CharField(_("rôle"), max_length=32, choices=ROLE_CHOICES)
    actions = models.ManyToManyField(
        "actions.Action", blank=True, related_name="+", verbose_name=_("actions couvertes")
    )
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token, editable=False)
    invited_by = models.ForeignKey("cma_portal.User", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        "cma_portal.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} ({self.get_role_display()})"

    def is_usable(self, at=None) -> bool:
        return self.accepted_at is None and (at or timezone.now()) < self.expires_at


class SitePage(models.Model):
    """An editable page (accessibility statement, legal notice). Bodies are plain text:
    paragraphs separated by blank lines, a paragraph starting with "## " is a heading.
    Rendered escaped, so nothing an administrator types can inject markup."""

    ACCESSIBILITY = "accessibilite"
    LEGAL_NOTICE = "mentions-legales"

    slug = models.SlugField(unique=True)
    title_fr = models.CharField(_("titre (français)"), max_length=200)
    title_en = models.CharField(_("titre (anglais)"), max_length=200, blank=True)
    body_fr = models.TextField(_("texte (français)"))
    body_en = models.TextField(_("texte (anglais)"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        "cma_portal.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["slug"]
        verbose_name = _("page éditable")
        verbose_name_plural = _("pages éditables")

    def __str__(self):
        return self.title_fr

    @property
    def title(self):
        from cma_portal.i18n import pick

        return pick(self, "title")

    @property
    def body(self):
        from cma_portal.i18n import pick

        return pick(self, "body")

    def blocks(self) -> list[dict]:
        """The body as paragraphs and headings, for a template that escapes every text."""
        blocks = []
        for chunk in self.body.replace("\r\n", "\n").split("\n\n"):
            chunk = chunk.strip()
            lines = [line.strip() for line in chunk.splitlines()]
            if chunk.startswith("## "):
                blocks.append({"heading": True, "text": chunk[3:].strip()})
            elif lines and all(line.startswith("- ") for line in lines):
                # A bulleted list: a real <ul> for screen readers, not dashes in a paragraph.
                blocks.append({"heading": False, "text": "", "items": [line[2:] for line in lines]})
            elif chunk:
                blocks.append({"heading": False, "text": chunk})
        return blocks


class OutboxEmail(models.Model):
    """One email to one recipient, written in the transaction of the change that causes it
    (`cma_portal.emails.queue_email`) and delivered after commit by a task or by the periodic
    catch-up (`cma_portal.outbox`). Rendered only when sent, in the recipient's language."""

    class State(models.TextChoices):
        PENDING = "pending", _("en attente")
        SENDING = "sending", _("en cours d'envoi")
        SENT = "sent", _("envoyé")
        FAILED = "failed", _("en échec")

    to = models.EmailField(_("destinataire"), max_length=254)
    language = models.CharField(_("langue"), max_length=8, default="fr")
    template = models.CharField(_("gabarit"), max_length=100)
    context = models.JSONField(_("contexte"), default=dict, encoder=DjangoJSONEncoder)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    # The catch-up takes a pending row from this instant on: a short delay after creation (the
    # task sent on commit goes first), then the backoff after a transient failure.
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), default=timezone.now)
    claimed_at = models.DateTimeField(_("pris en charge le"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)

    class Meta:
        verbose_name = _("courriel à envoyer")
        verbose_name_plural = _("courriels à envoyer")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_state_due_idx")]

    def __str__(self):
        return f"{self.template} → {self.to} ({self.state})"


class LoginLockout(models.Model):
    """Password logins refused by the brute-force limit (allauth's `login_failed` rate limit)
    for one address: one row per episode, counting the refused attempts. Administrators read
    them in the Django admin (docs/security.md, "Lockouts"); the person locked out can still
    log in with a code sent by email."""

    email = models.CharField(_("adresse saisie"), max_length=254, db_index=True)
    user = models.ForeignKey(
        "cma_portal.User",
        verbose_name=_("compte"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="login_lockouts",
    )
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    first_refused_at = models.DateTimeField(_("premier refus"), default=timezone.now, db_index=True)
    last_refused_at = models.DateTimeField(_("dernier refus"), default=timezone.now)
    refused_attempts = models.PositiveIntegerField(_("tentatives refusées"), default=1)

    class Meta:
        verbose_name = _("blocage de connexion")
        verbose_name_plural = _("blocages de connexion")
        ordering = ["-first_refused_at", "-id"]

    def __str__(self):
        return f"{self.email} {self.first_refused_at:%Y-%m-%d %H:%M}"


class EmailTemplateOverride(models.Model):
    """An email edited by an administrator, in one language: the subject and text body that
    replace the default files of `templates/emails/<name>*` (`cma_portal.email_overrides`).
    Deleting the row (a reset) brings the default back."""

    class Language(models.TextChoices):
        FR = "fr", _("français")
        EN = "en", _("anglais")

    name = models.CharField(_("gabarit"), max_length=100)
    language = models.CharField(_("langue"), max_length=2, choices=Language.choices)
    subject = models.CharField(_("objet"), max_length=255)
    body = models.TextField(_("texte"))
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("modifié le"), default=timezone.now)
    updated_by = models.ForeignKey(
        "cma_portal.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("courriel modifié")
        verbose_name_plural = _("courriels modifiés")
        constraints = [
            models.UniqueConstraint(fields=["name", "language"], name="email_override_name_language_uniq")
        ]

    def __str__(self):
        return f"{self.name} ({self.language})"
