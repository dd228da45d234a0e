"""Demo data: one user per role, an open demo wave, and (through `applications.demo`)
applications in every state of the workflow. Idempotent: run it as often as you like."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from actions.models import Action
from applications import demo as application_demo
from cma_portal import roles
from cma_portal.models import User
from grants import demo as grant_demo
from reviews import demo as review_demo
from waves.models import Call, Wave

DEMO_PASSWORD = "demo-cma-2026!"  # noqa: S105 — printed for development only, never in production

DEMO_USERS = [
    ("porteuse@demo.cma.fr", "Camille", "Porteuse", None),
    ("coporteur@demo.cma.fr", "Karim", "Coporteur", None),
    ("charge@demo.cma.fr", "Nadia", "Chargée de programme", roles.PROGRAMME_MANAGER),
    ("evaluateur@demo.cma.fr", "Louis", "Évaluateur", roles.REVIEWER),
    ("evaluatrice@demo.cma.fr", "Inès", "Évaluatrice", roles.REVIEWER),
    ("admin@demo.cma.fr", "Alex", "Administrateur", roles.ADMINISTRATOR),
]

DEMO_WAVE = "Vague de démonstration"

# Development only: demo staff accounts get this published TOTP secret, so that a person trying
# the portal can sign in as staff with `manage.py demo_totp` instead of an authenticator app.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # noqa: S105 — a public demo value, never set outside DEBUG


class Command(BaseCommand):
    help = "Load demo data (users for each role, an open wave, applications in every state)."

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=0, help="Extra applications for benchmarks.")
        parser.add_argument(
            "--verbose",
            action="store_true",
            help="Also print the emails the demo data sends (console backend).",
        )

    def handle(self, *args, **options):
        # The demo sends ~30 emails; printed, they bury the table of accounts. They are kept in
        # memory unless asked for, and the table is printed last, after the commit sent them.
        verbose = options["verbose"] or options["verbosity"] >= 2
        backend = settings.EMAIL_BACKEND if verbose else "django.core.mail.backends.locmem.EmailBackend"
        with override_settings(EMAIL_BACKEND=backend):
            with transaction.atomic():
                self._seed(options)
        if not verbose:
            self.stdout.write(
                "Courriels de démonstration non affichés (relancez avec --verbose pour les voir)."
            )
        self._print_accounts()

    def _seed(self, options):
        users = {}
        for email, first, last, role in DEMO_USERS:
            user, created = User.objects.get_or_create(
                email=email, defaults={"first_name": first, "last_name": last}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            if role:
                roles.grant_role(user, role)
                if role == roles.ADMINISTRATOR:
                    user.is_staff = True
                    user.is_superuser = True
                    user.save(update_fields=["is_staff", "is_superuser"])
                if (
                    settings.DEBUG
                    and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
                ):
                    TOTP.activate(user, DEMO_TOTP_SECRET)
            users[email] = user

        now = timezone.now()
        wave, _ = Wave.objects.get_or_create(
            name_fr=DEMO_WAVE,
            defaults={
                "call": Call.current(),
                "name_en": "Demo wave",
                "mode": Wave.Mode.SCHEDULED,
                "opens_at": now - timedelta(days=14),
                "closes_at": now + timedelta(days=45),
            },
        )
        wave.actions.set(Action.objects.all())

        self._seed_applications(users, wave, options["applications"])

    def _print_accounts(self):
        if settings.DEBUG:
            self.stdout.write(f"Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD})")
            for email, _first, _last, role in DEMO_USERS:
                self.stdout.write(f"  {email:28} {role or roles.APPLICANT}")
            self.stdout.write(
                "Comptes du personnel : double authentification (TOTP) déjà configurée avec le secret de "
                f"démonstration {DEMO_TOTP_SECRET} ; `python manage.py demo_totp` affiche le code du moment."
            )
        else:
            self.stdout.write("Demo users created; passwords are not printed outside development.")

    def _seed_applications(self, users, wave, extra):
        application_demo.seed(
            users=users, wave=wave, extra=extra, stdout=self.stdout, decide=review_demo.decide
        )
        review_demo.seed(users=users, wave=wave, stdout=self.stdout)
        if extra:
            import time

            from reviews.demo_bulk import seed_bulk_reviews

            started = time.perf_counter()
            made = seed_bulk_reviews(
                count=extra,
                demo_reviewer=users.get("evaluateur@demo.cma.fr"),
                manager=users.get("charge@demo.cma.fr"),
            )
            self.stdout.write(
                f"Banc d'essai : {made} affectation(s) avec évaluation transmise "
                f"({time.perf_counter() - started:.1f} s)."
            )
        grant_demo.seed(users=users, stdout=self.stdout)
