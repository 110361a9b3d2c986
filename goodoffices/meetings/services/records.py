"""The record of a held meeting: minutes drafted by a mediator and approved by every party;
a communiqué drafted, amended and published on the register by every party's consent.

Each consent is to the exact version its party read; each service locks and re-reads its
subject inside its own transaction and publishes exactly what it read there."""

from typing import Literal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from goodoffices.accounts.models import User
from goodoffices.consent.models import Purpose
from goodoffices.consent.services import Question, Read
from goodoffices.events.models import EventKind
from goodoffices.events.services import event_record
from goodoffices.lib import audience, clock
from goodoffices.lib.errors import Conflict, Invalid
from goodoffices.policies import Permission, require
from goodoffices.processes.models import Process

from ..joint import language_name, parties_of
from ..models import Communique, CommuniqueLanguageVersion, Meeting
from ..notices import notify
from ..terms import mandate_name
from .common import MAX_TEXT_BYTES, ask_every_party, clean_text, meeting_for_update, party_consent
from .declassification import open_meeting_record

MinutesOutcome = Literal["awaiting", "approved"]
CommuniqueOutcome = Literal["awaiting", "published"]

MINUTES_VOIDED = gettext_noop(
    "The minutes were redrafted: your approval of the earlier version no longer counts. Read version %(version)s."
)
MINUTES_AWAITING = gettext_noop("Draft minutes of “%(title)s” (version %(version)s) await your party's approval.")
COMMUNIQUE_AWAITING = gettext_noop(
    "A draft communiqué on “%(title)s” (version %(version)s) awaits your party's consent to publish it."
)
COMMUNIQUE_VOIDED = gettext_noop(
    "The communiqué was amended: your consent to the earlier version no longer counts. Read version %(version)s."
)


def minutes_question(meeting: Meeting) -> Question:
    return Question(
        content={"meeting": meeting.pk, "minutes": meeting.minutes, "version": meeting.minutes_version},
        version=meeting.minutes_version,
    )


def communique_texts(communique: Communique) -> list[dict[str, object]]:
    """Every text of the communiqué's current revision, the original first, each with its
    language and marking: what a consent is to, and what publication publishes."""
    return [text.as_record() for text in communique.texts()]


def communique_question(communique: Communique) -> Question:
    """The revision the parties are asked to publish: the original text and every language
    version with its marking, so that a consent to a version is a consent to each of them."""
    return Question(
        content={
            "communique": communique.pk,
            "meeting": communique.meeting_id,
            "text": communique.text,
            "language": communique.language,
            "texts": communique_texts(communique),
            "version": communique.version,
        },
        version=communique.version,
    )


def _read(version: int | None) -> Read:
    if version is None:
        raise Invalid.one("version", _("say which version you read: a consent is to exact content"))
    return Read(version=version)


@transaction.atomic
def minutes_draft(*, actor: User, meeting: Meeting, text: str) -> Meeting:
    """A mediator drafts (or redrafts) the minutes; every party then approves that version."""
    require(actor, Permission.MEETING_RECORD, meeting)
    minutes = clean_text(text, "text")
    locked = meeting_for_update(meeting, Meeting.Status.HELD)
    if locked.minutes_status == Meeting.MinutesStatus.APPROVED:
        raise Conflict(_("the minutes are approved and can no longer change"))
    locked.minutes = minutes
    locked.minutes_version += 1
    locked.minutes_status = Meeting.MinutesStatus.DRAFT
    locked.save(update_fields=["minutes", "minutes_version", "minutes_status"])
    ask_every_party(
        locked.process,
        locked,
        Purpose.MINUTES,
        minutes_question(locked),
        actor=actor,
        voided_message=MINUTES_VOIDED,
        awaiting_message=MINUTES_AWAITING,
        params={"title": locked.title},
    )
    event_record(
        kind=EventKind.MINUTES_DRAFTED,
        actor=actor,
        subject=locked,
        audience=audience.PLENARY,
        process=locked.process,
        payload={"version": locked.minutes_version, "text": minutes},
    )
    return locked


@transaction.atomic
def minutes_approve(*, actor: User, meeting: Meeting, approve: bool, version: int | None = None) -> MinutesOutcome:
    """Approve (or withdraw approval of) the minutes' ``version`` the party read; the last
    approval of the current version approves them."""
    require(actor, Permission.MEETING_APPROVE, meeting)
    locked = meeting_for_update(meeting, Meeting.Status.HELD)
    result = party_consent(
        actor,
        locked.process,
        locked,
        Purpose.MINUTES,
        str(version) if approve else None,
        _("there is no draft of the minutes awaiting approval"),
        read=_read(version) if approve else None,
    )
    if not result.reached:
        return "awaiting"
    if result.version != locked.minutes_version:
        raise Conflict(_("the minutes changed while you approved them; read them again"))
    locked.minutes_status = Meeting.MinutesStatus.APPROVED
    locked.save(update_fields=["minutes_status"])
    event_record(
        kind=EventKind.MINUTES_APPROVED,
        actor=None,
        subject=locked,
        audience=audience.PLENARY,
        process=locked.process,
        payload={"version": locked.minutes_version, "digest": result.digest, "by": "joint consent"},
    )
    notify(
        process=locked.process,
        record_audience=audience.PLENARY,
        subject=locked,
        actor=None,
        message=gettext_noop("Minutes approved by joint consent of %(parties)s: %(title)s"),
        params={"title": locked.title, "parties": parties_of(locked.process)},
        email=False,
    )
    if locked.audience == audience.PUBLIC:
        # Approved minutes go wherever the meeting goes: for a public meeting, into the open.
        open_meeting_record(locked, actor)
    return "approved"


def _communique_for_update(communique: Communique) -> Communique:
    """Lock the communiqué (its language versions change only under this lock) and read it
    again with its language versions."""
    return (
        Communique.objects.select_for_update(of=("self",), no_key=True)
        .select_related("meeting__process__mandate_version", "meeting__process__mandate")
        .prefetch_related("language_versions")
        .get(pk=communique.pk)
    )


def _draft_for_update(communique: Communique) -> Communique:
    locked = _communique_for_update(communique)
    if locked.status == Communique.Status.PUBLISHED:
        raise Conflict(_("the communiqué is published and can no longer change"))
    return locked


def _mandate_language(process: Process, code: str | None, field: str) -> str:
    """``code`` if it is a language of the process's mandate, else ``Invalid`` naming ``field``
    and the mandate. No code: the mandate's first language (English if it names none)."""
    languages = process.mandate_version.languages
    if code is None:
        return languages[0] if languages else settings.LANGUAGE_CODE
    if code not in languages:
        raise Invalid.one(
            field,
            _("the language “%(code)s” is not a language of the mandate %(mandate)s")
            % {"code": code, "mandate": mandate_name(process)},
        )
    return code


def _check_size(texts: list[str]) -> None:
    """Publication enters every text in one ledger entry: together they must fit in it."""
    if sum(len(text.encode("utf-8")) for text in texts) > MAX_TEXT_BYTES:
        raise Invalid.one(
            "text",
            _(
                "the communiqué and its language versions must be at most %(limit)d bytes together in UTF-8: "
                "published, they form one entry of the public record"
            )
            % {"limit": MAX_TEXT_BYTES},
        )


def _revise(locked: Communique, actor: User, payload: dict[str, object]) -> Communique:
    """Make the communiqué's changed content its next version: consents to earlier versions no
    longer count (the parties that gave them are told), every party is asked again, and the
    change is recorded."""
    locked.version += 1
    locked.save(update_fields=["text", "version"])
    # Read the language versions as they now are: the question holds what the parties will read.
    locked = _communique_for_update(locked)
    process = locked.meeting.process
    ask_every_party(
        process,
        locked,
        Purpose.COMMUNIQUE,
        communique_question(locked),
        actor=actor,
        voided_message=COMMUNIQUE_VOIDED,
        awaiting_message=COMMUNIQUE_AWAITING,
        params={"title": locked.meeting.title},
    )
    event_record(
        kind=EventKind.COMMUNIQUE_AMENDED,
        actor=actor,
        subject=locked,
        audience=audience.PLENARY,
        process=process,
        payload={"meeting": locked.meeting_id, "version": locked.version, **payload},
    )
    return locked


@transaction.atomic
def communique_draft(*, actor: User, meeting: Meeting, text: str, language: str | None = None) -> Communique:
    """Draft the communiqué in ``language``, a language of the mandate (by default its first):
    the original, to which language versions may then be added."""
    require(actor, Permission.COMMUNIQUE_DRAFT, meeting)
    body = clean_text(text, "text")
    locked = meeting_for_update(meeting, Meeting.Status.HELD)
    original = _mandate_language(locked.process, language, "language")
    if Communique.objects.filter(meeting=locked).exists():
        raise Conflict(_("this meeting already has a communiqué; amend it instead"))
    communique = Communique.objects.create(meeting=locked, text=body, language=original, drafted_by=actor)
    ask_every_party(
        locked.process,
        communique,
        Purpose.COMMUNIQUE,
        communique_question(communique),
        actor=actor,
        awaiting_message=COMMUNIQUE_AWAITING,
        params={"title": locked.title},
    )
    event_record(
        kind=EventKind.COMMUNIQUE_DRAFTED,
        actor=actor,
        subject=communique,
        audience=audience.PLENARY,
        process=locked.process,
        payload={"meeting": locked.pk, "version": 1, "language": original, "text": body},
    )
    return communique


@transaction.atomic
def communique_amend(*, actor: User, communique: Communique, text: str) -> Communique:
    """A new version of the original text: consents given to the old version no longer count,
    and the parties that gave them are told."""
    require(actor, Permission.COMMUNIQUE_DRAFT, communique.meeting)
    body = clean_text(text, "text")
    locked = _draft_for_update(communique)
    _check_size([body, *(v.text for v in locked.language_versions.all())])
    locked.text = body
    return _revise(locked, actor, {"language": locked.language, "text": body})


@transaction.atomic
def communique_language_set(
    *, actor: User, communique: Communique, language: str, text: str, authentic: bool, replace: bool = True
) -> Communique:
    """Add (or, with ``replace``, replace) the communiqué's version in ``language``, another
    language of the mandate, marked equally authentic or for information only. An amendment
    like any other: the communiqué's next version, which every party is asked again to consent to."""
    require(actor, Permission.COMMUNIQUE_DRAFT, communique.meeting)
    body = clean_text(text, "text")
    locked = _draft_for_update(communique)
    process = locked.meeting.process
    if language == locked.language:
        raise Invalid.one(
            "language",
            _("%(language)s is the communiqué's original language: amend its text instead")
            % {"language": language_name(language)},
        )
    code = _mandate_language(process, language, "language")
    existing = {v.language: v for v in locked.language_versions.all()}
    if code in existing and not replace:
        raise Invalid.one(
            "language",
            _("the communiqué already has a version in %(language)s: change that one instead")
            % {"language": language_name(code)},
        )
    _check_size([locked.text, body, *(v.text for lang, v in existing.items() if lang != code)])
    if code in existing:
        version = existing[code]
        version.text, version.authentic = body, authentic
        version.save(update_fields=["text", "authentic"])
    else:
        CommuniqueLanguageVersion.objects.create(communique=locked, language=code, text=body, authentic=authentic)
    return _revise(
        locked,
        actor,
        {
            "language": code,
            "change": "replaced" if code in existing else "added",
            "text": body,
            "authentic": authentic,
        },
    )


@transaction.atomic
def communique_language_remove(*, actor: User, communique: Communique, language: str) -> Communique:
    """Remove the communiqué's version in ``language``: the communiqué's next version."""
    require(actor, Permission.COMMUNIQUE_DRAFT, communique.meeting)
    locked = _draft_for_update(communique)
    if language == locked.language:
        raise Invalid.one(
            "language",
            _("%(language)s is the communiqué's original language: it cannot be removed")
            % {"language": language_name(language)},
        )
    removed, _kinds = CommuniqueLanguageVersion.objects.filter(communique=locked, language=language).delete()
    if not removed:
        raise Invalid.one(
            "language",
            _("the communiqué has no version in %(language)s to remove") % {"language": language_name(language)},
        )
    return _revise(locked, actor, {"language": language, "change": "removed"})


@transaction.atomic
def communique_consent(
    *, actor: User, communique: Communique, consent: bool, version: int | None = None
) -> CommuniqueOutcome:
    """Consent (or withdraw consent) to the ``version`` the party read; the last consent to the
    current version publishes exactly that text."""
    require(actor, Permission.COMMUNIQUE_CONSENT, communique.meeting)
    locked = _communique_for_update(communique)
    if locked.status == Communique.Status.PUBLISHED:
        raise Conflict(_("the communiqué is already published"))
    meeting = locked.meeting
    result = party_consent(
        actor,
        meeting.process,
        locked,
        Purpose.COMMUNIQUE,
        str(version) if consent else None,
        _("the communiqué is not awaiting consent"),
        read=_read(version) if consent else None,
    )
    if not result.reached:
        return "awaiting"
    if result.version != locked.version or result.digest != communique_question(locked).digest:
        raise Conflict(_("the communiqué changed while you consented; read it again"))
    locked.status = Communique.Status.PUBLISHED
    locked.published_at = clock.now()
    locked.save(update_fields=["status", "published_at"])
    # The published record and its public event are the same words: both come from the row
    # read under lock, whose version every party consented to.
    event_record(
        kind=EventKind.COMMUNIQUE_PUBLISHED,
        actor=None,
        subject=locked,
        audience=audience.PUBLIC,
        process=meeting.process,
        payload={
            "meeting": meeting.title,
            "venue": meeting.venue,
            "held_on": meeting.starts_at.isoformat(),
            "text": locked.text,
            "language": locked.language,
            # Every text every party consented to, the original first, each with its marking.
            "texts": communique_texts(locked),
            "version": locked.version,
            "digest": result.digest,
            "by": "joint consent",
        },
    )
    notify(
        process=meeting.process,
        record_audience=audience.PLENARY,
        subject=locked,
        actor=None,
        message=gettext_noop("Communiqué published on the register by joint consent of %(parties)s: %(title)s"),
        params={"title": meeting.title, "parties": parties_of(meeting.process)},
    )
    return "published"
