"""The agreement document a text's version would be adopted as, and its renderings.

``document_for`` builds the ``lib.agreement_doc.AgreementDoc`` of a clean version: its clauses in
plain words, the process's parties, the commitments tagged on clauses still in the text, the date
written into it, in the language the mandate names first. Its canonical bytes are what every party
consents to adopt and what every signature signs. ``renderings`` makes the HTML page and the PDF in
that language, each with its SHA-256.
"""

import datetime
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from goodoffices.lib.agreement_doc import (
    AgreementDoc,
    Commitment,
    Labels,
    PartyRef,
    ProcessRef,
    agreement_html,
    sha256_hex,
)
from goodoffices.lib.errors import FieldError, Invalid
from goodoffices.lib.pdf import agreement_pdf
from goodoffices.texts.categories import CATEGORIES
from goodoffices.texts.models import TaggedCommitment, Text, TextVersion

LANGUAGES = ("en", "hy", "az", "ru")


def document_language(text: Text) -> str:
    """The language of the document: the first of the mandate's languages the platform writes in."""
    for language in text.process.mandate_version.languages or ():
        if language in LANGUAGES:
            return str(language)
    return "en"


def document_for(*, text: Text, version: TextVersion, adopted_on: datetime.date) -> AgreementDoc:
    """The agreement ``version`` of ``text`` would be adopted as on ``adopted_on``.

    Raises ``Invalid`` when it cannot be one: a bracket remains (field ``text``, naming the clause),
    or a part of it breaks a rule of the document (the field is the part's path, ``clauses[2].text``).
    """
    negotiated = version.document()
    clauses = negotiated.agreement_clauses()
    numbers = negotiated.numbers()
    order = {clause_id: i for i, clause_id in enumerate(numbers)}
    tagged = sorted(
        (c for c in TaggedCommitment.objects.filter(text_id=text.pk) if c.clause in numbers),
        key=lambda c: (order[c.clause], c.pk),
    )
    process = text.process
    # The process's parties, as read with it where they were (a selector prefetches them).
    parties = sorted(process.parties.all(), key=lambda p: p.pk)
    return AgreementDoc(
        title=negotiated.title,
        process=ProcessRef(id=process.pk, title=process.title),
        framework=process.mandate.framework.name,
        parties=tuple(PartyRef(id=p.pk, name=p.name) for p in parties),
        clauses=clauses,
        adopted=adopted_on,
        language=document_language(text),
        commitments=tuple(
            Commitment(
                clause=numbers[c.clause],
                obligor=c.obligor_id,
                action=c.action,
                category=c.category,
                deadline=c.deadline,
                schedule=c.schedule or None,
                verification=c.verification,
                monitors=tuple(c.monitors),
            )
            for c in tagged
        ),
    )


def labels(language: str) -> Labels:
    """The words a rendering adds around the document, in ``language``."""
    with translation.override(language):
        return Labels(
            process=_("Process"),
            framework=_("Framework"),
            adopted=_("Adopted"),
            parties=_("Parties"),
            clauses=_("Clauses"),
            commitments=_("Commitments"),
            clause=_("Clause"),
            obligor=_("Obligor"),
            action=_("Action"),
            category=_("Category"),
            due=_("Due"),
            continuous=_("continuous"),
            verification=_("Verification"),
            monitors=_("Monitors"),
            digest=_("SHA-256 of the canonical document"),
            categories={slug: str(name) for slug, name in CATEGORIES.items()},
        )


@dataclass(frozen=True)
class Renderings:
    html: bytes
    html_sha256: str
    pdf: bytes
    pdf_sha256: str


def renderings(doc: AgreementDoc) -> Renderings:
    """The HTML page and the PDF of ``doc`` in its own language. ``Invalid`` names each part that
    holds a character the PDF's fonts cannot draw (field ``document.<path>``)."""
    words = labels(doc.language)
    html = agreement_html(doc, words).encode("utf-8")
    try:
        pdf = agreement_pdf(doc, words)
    except Invalid as exc:
        raise Invalid([FieldError(f"document.{e.field}", e.message) for e in exc.errors]) from None
    return Renderings(html=html, html_sha256=sha256_hex(html), pdf=pdf, pdf_sha256=sha256_hex(pdf))
