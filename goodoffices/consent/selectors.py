"""Reads of joint consents, already restricted: a party's consent is seen by the audience it
was given under (that party, and the mediators where the mandate said so), and no one else."""

from collections.abc import Sequence

from django.db import models

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
