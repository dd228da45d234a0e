"""A user's deadlines as an iCalendar feed (RFC 5545): CRLF line endings, lines folded at 75
octets, stable UIDs, instants in UTC. Every deadline carries two reminders (VALARM, DISPLAY),
seven days and one day before. The texts are in the user's preferred language: a calendar
application fetching the feed has no session and no language of its own."""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

PRODID = "-//ANR//Portail CMA Sante numerique//FR"
# Reminders before each deadline, in days (RFC 5545 durations -P7D, -P1D).
ALARM_DAYS = (7, 1)


@dataclass
class Event:
    uid: str
    start: datetime
    summary: str
    description: str = ""
    url: str = ""
    alarm_days: tuple[int, ...] = ALARM_DAYS


def alarm_lines(event: Event) -> list[str]:
    """One VALARM per reminder: shown by the calendar application, `days` before the event."""
    lines = []
    for days in event.alarm_days:
        text = ngettext(
            "Dans %(days)s jour : %(summary)s",
            "Dans %(days)s jours : %(summary)s",
            days,
        ) % {"days": days, "summary": event.summary}
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"TRIGGER:-P{days}D",
            f"DESCRIPTION:{escape_text(text)}",
            "END:VALARM",
        ]
    return lines


def escape_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets, never inside a UTF-8 character;
    continuation lines start with one space (which counts in their 75)."""
    pieces: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    pieces.append(current)
    return "\r\n".join(pieces)


def utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def render_calendar(events: list[Event], *, name: str, now: datetime | None = None) -> str:
    stamp = utc(now or timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{utc(event.start)}",
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        lines += alarm_lines(event)
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def user_calendar(user, *, now: datetime | None = None) -> str:
    """The whole feed of `user`, in their preferred language."""
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        return render_calendar(user_events(user, now=now), name=_("Portail CMA — mes échéances"), now=now)


def user_events(user, *, now: datetime | None = None) -> list[Event]:
    """Deadlines of `user`'s applications (owned or co-edited): the full dossier's deadline
    while it is to be submitted, the wave's closing while the letter is a draft."""
    from applications.models import Application
    from applications.states import State

    now = now or timezone.now()
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0]
    applications = (
        Application.objects.filter(
            Q(owner=user) | Q(collaborators__user=user, collaborators__accepted_at__isnull=False)
        )
        .filter(state__in=(State.LI_DRAFT, State.DOSSIER_DRAFT))
        .select_related("wave__call")
        .distinct()
        .order_by("pk")
    )
    events = []
    for application in applications:
        label = application.acronym or application.title or str(application.display_reference)
        url = f"{settings.SITE_URL}{application.get_absolute_url()}"
        if application.state == State.DOSSIER_DRAFT and application.dossier_deadline:
            events.append(
                Event(
                    uid=f"dossier-{application.pk}@{host}",
                    start=application.dossier_deadline,
                    summary=_("Date limite du dossier complet — %(label)s") % {"label": label},
                    description=_("Candidature %(reference)s : dépôt du dossier complet.")
                    % {"reference": application.display_reference},
                    url=url,
                )
            )
        elif application.state == State.LI_DRAFT:
            closes = application.wave.effective_closes_at()
            if closes and closes > now:
                events.append(
                    Event(
                        uid=f"wave-{application.wave_id}-letter-{application.pk}@{host}",
                        start=closes,
                        summary=_("Clôture de la vague — lettre d'intention %(label)s") % {"label": label},
                        description=_("%(wave)s : dernier instant pour déposer la lettre d'intention.")
                        % {"wave": application.wave.name},
                        url=url,
                    )
                )
    return events
