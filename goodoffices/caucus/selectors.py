"""Reads of a caucus, already restricted: a caucus one may not view answers ``NotFound``."""

from django.db.models import QuerySet

from goodoffices.lib.errors import NotFound
from goodoffices.policies import AnyUser, Permission, can, require
from goodoffices.processes.models import Party

from .models import CaucusDocument, CaucusMessage


def caucus_parties(*, user: AnyUser, parties: list[Party]) -> list[Party]:
    """The parties among ``parties`` whose caucus ``user`` may view."""
    return [party for party in parties if can(user, Permission.CAUCUS_VIEW, party)]


def caucus_messages(*, user: AnyUser, party: Party) -> QuerySet[CaucusMessage]:
    require(user, Permission.CAUCUS_VIEW, party, visible=False, what="caucus")
    return CaucusMessage.objects.filter(party=party).select_related("author").order_by("created_at", "id")


def caucus_documents(*, user: AnyUser, party: Party) -> QuerySet[CaucusDocument]:
    require(user, Permission.CAUCUS_VIEW, party, visible=False, what="caucus")
    return CaucusDocument.objects.filter(party=party).select_related("uploaded_by").order_by("-uploaded_at", "-id")


def caucus_document_get(*, user: AnyUser, document_id: int) -> CaucusDocument:
    document = CaucusDocument.objects.select_related("party__process", "uploaded_by").filter(pk=document_id).first()
    # The same answer for a document that does not exist and for one in another caucus.
    if document is None or not can(user, Permission.CAUCUS_VIEW, document.party):
        raise NotFound("document")
    return document
