"""Roles and the one place that answers "may this user do X".

Roles are Django groups. Every user is an applicant; staff roles are added by administrators.
Object-level rules (is this my application?) live in each app's selectors; this module answers
the role-level questions the rest of the code asks.
"""

from django.contrib.auth.models import Group

APPLICANT = "applicant"
PROGRAMME_MANAGER = "programme_manager"
REVIEWER = "reviewer"
ADMINISTRATOR = "administrator"

ROLES = (APPLICANT, PROGRAMME_MANAGER, REVIEWER, ADMINISTRATOR)
STAFF_ROLES = (PROGRAMME_MANAGER, REVIEWER, ADMINISTRATOR)

# Capabilities, each granted to a set of roles.
CAPABILITIES: dict[str, frozenset[str]] = {
    "apply": frozenset({APPLICANT}),
    "screen_letters": frozenset({PROGRAMME_MANAGER, ADMINISTRATOR}),
    "decide": frozenset({PROGRAMME_MANAGER, ADMINISTRATOR}),
    "extend_deadline": frozenset({PROGRAMME_MANAGER, ADMINISTRATOR}),
    "assign_reviewers": frozenset({PROGRAMME_MANAGER, ADMINISTRATOR}),
    "export": frozenset({PROGRAMME_MANAGER, ADMINISTRATOR}),
    "review": frozenset({REVIEWER}),
    "manage_waves": frozenset({ADMINISTRATOR}),
    "manage_grids": frozenset({ADMINISTRATOR}),
    # The call's configuration: questions per action (issue 15).
    "manage_questions": frozenset({ADMINISTRATOR}),
    "manage_users": frozenset({ADMINISTRATOR}),
    "manage_email_templates": frozenset({ADMINISTRATOR}),
    "view_dashboard": frozenset({PROGRAMME_MANAGER, ADMINISTRATOR}),
}


def user_roles(user) -> frozenset[str]:
    """The user's roles, cached on the instance for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_cma_roles", None)
    if cached is None:
        names = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        names.add(APPLICANT)
        if user.is_superuser:
            names.add(ADMINISTRATOR)
        cached = frozenset(names)
        user._cma_roles = cached
    return cached


def prime(user, staff_roles: set[str], has_totp: bool) -> None:
    """Cache on `user` the roles and TOTP flag loaded with it (see `cma_portal.auth_backends`),
    as `user_roles` would compute them."""
    names = set(staff_roles) | {APPLICANT}
    if user.is_superuser:
        names.add(ADMINISTRATOR)
    user._cma_roles = frozenset(names) if user.is_active else frozenset()
    user._cma_has_mfa = bool(has_totp)


def has_role(user, role: str) -> bool:
    return role in user_roles(user)


# What only staff may do: application data of others, steering, reviews.
STAFF_CAPABILITIES = frozenset(name for name, holders in CAPABILITIES.items() if APPLICANT not in holders)


def may(user, capability: str) -> bool:
    """May `user` exercise `capability`? A staff capability also needs a session that passed the
    second factor: `StaffTwoFactorMiddleware` marks request users with `second_factor_passed`;
    users not bound to a request (tasks, commands) carry no mark and are not limited here."""
    if not (user_roles(user) & CAPABILITIES[capability]):
        return False
    return capability not in STAFF_CAPABILITIES or getattr(user, "second_factor_passed", True) is not False


def is_staff_member(user) -> bool:
    return bool(user_roles(user) & set(STAFF_ROLES))


def grant_role(user, role: str) -> None:
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    user.__dict__.pop("_cma_roles", None)


def revoke_role(user, role: str) -> None:
    user.groups.remove(*Group.objects.filter(name=role))
    user.__dict__.pop("_cma_roles", None)
