"""Reads of joint consents, already restricted: a party's consent is seen by the audience it
was given under (that party, and the mediators where the mandate said so), and no one else."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from goodoffices.policies import Roles

from .models import Consent, JointConsent


def joint_consent_for(*, subject: models.Model, purpose: str) -> JointConsent | None:
    return JointConsent.objects.filter(
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        purpose=purpose,
        status=JointConsent.Status.OPEN,
    ).first()


def consents_seen(
    *, subjects: Sequence[models.Model], purpose: str, roles: Roles, own_only: bool = False
) -> dict[int, dict[int, str]]:
    """For each subject, the consents on its open joint consent that the reader may see, in one
    query: by the audience each consent was given under (its own party's for a head, the caucus
    audiences for a mediator where the mandate let mediators see them); with ``own_only``, only
    those of the reader's own parties."""
    result: dict[int, dict[int, str]] = {subject.pk: {} for subject in subjects}
    if not subjects:
        return result
    rows = Consent.objects.filter(
        audience__in=sorted(roles.audiences()),
        joint__subject_type=subjects[0]._meta.label_lower,
        joint__subject_id__in=[str(subject.pk) for subject in subjects],
        joint__purpose=purpose,
        joint__status=JointConsent.Status.OPEN,
    )
    if own_only:
        rows = rows.filter(party_id__in=list(roles.parties))
    for subject_id, party_id, option in rows.values_list("joint__subject_id", "party_id", "option"):
        result[int(subject_id)][party_id] = option
    return result


def joint_consents_open(*, subjects: Sequence[models.Model], purpose: str) -> dict[int, JointConsent]:
    """The open joint consent of each subject that has one, in one query."""
    if not subjects:
        return {}
    rows = JointConsent.objects.filter(
        subject_type=subjects[0]._meta.label_lower,
        subject_id__in=[str(subject.pk) for subject in subjects],
        purpose=purpose,
        status=JointConsent.Status.OPEN,
    )
    return {int(joint.subject_id): joint for joint in rows}


@dataclass(frozen=True)
class OpenQuestions:
    """The open joint consents on some subjects, and the consents to them the reader may see."""

    joints: dict[tuple[str, int, str], JointConsent]
    seen: dict[tuple[str, int, str], dict[int, str]]

    def joint(self, subject: models.Model, purpose: str) -> JointConsent | None:
        return self.joints.get((subject._meta.label_lower, subject.pk, purpose))

    def consents(self, subject: models.Model, purpose: str) -> dict[int, str]:
        """Party id -> option of the consents the reader may see on ``subject``'s open question."""
        return self.seen.get((subject._meta.label_lower, subject.pk, purpose), {})


def open_questions(*, subjects: Sequence[models.Model], roles: Roles, own_only: bool = False) -> OpenQuestions:
    """Every open joint consent on ``subjects`` (of any kinds and purposes) and the consents the
    reader may see on them (see ``consents_seen``), in two queries."""
    if not subjects:
        return OpenQuestions({}, {})
    by_type: dict[str, list[str]] = {}
    for subject in subjects:
        by_type.setdefault(subject._meta.label_lower, []).append(str(subject.pk))
    condition = Q()
    for subject_type, ids in by_type.items():
        condition |= Q(subject_type=subject_type, subject_id__in=ids)
    joints = {
        (joint.subject_type, int(joint.subject_id), joint.purpose): joint
        for joint in JointConsent.objects.filter(condition, status=JointConsent.Status.OPEN)
    }
    seen: dict[tuple[str, int, str], dict[int, str]] = {}
    if joints:
        keys = {joint.pk: key for key, joint in joints.items()}
        rows = Consent.objects.filter(joint_id__in=list(keys), audience__in=sorted(roles.audiences()))
        if own_only:
            rows = rows.filter(party_id__in=list(roles.parties))
        for joint_id, party_id, option in rows.values_list("joint_id", "party_id", "option"):
            seen.setdefault(keys[joint_id], {})[party_id] = option
    return OpenQuestions(joints, seen)
