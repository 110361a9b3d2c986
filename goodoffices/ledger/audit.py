"""Server-side audit: re-derive every entry from the events table and check every stored hash.

Each leaf is checked against its event and each interior hash against its two
stored children, so one edited row is named once instead of drowning in the
mismatches it would cause above it.
"""

from collections.abc import Iterator

from goodoffices.events.models import Event
from goodoffices.lib.ledger import leaf_hash, node_hash, stored_hash_count
from goodoffices.lib.ledger.progress import SILENT, Progress

from .log import leaf_entry
from .models import Leaf, LedgerState, StoredHash

MAX_LISTED = 100
# Leaves checked between two reports to the progress bar.
PROGRESS_EVERY = 1024


class _Rows:
    """The stored hashes in index order, noticing a missing index."""

    def __init__(self) -> None:
        rows = StoredHash.objects.order_by("index").values_list("index", "hash")
        self._it: Iterator[tuple[int, bytes | memoryview]] = rows.iterator(chunk_size=5000)
        self.next_index = 0

    def take(self) -> bytes | None:
        row = next(self._it, None)
        if row is None or row[0] != self.next_index:
            return None
        self.next_index += 1
        return bytes(row[1])

    def rest(self) -> list[int]:
        return [index for index, _ in self._it]


def _counted(size: int, progress: Progress) -> Iterator[int]:
    """``range(size)``, telling ``progress`` as each block of leaves is taken up."""
    for start in range(0, size, PROGRESS_EVERY):
        end = min(start + PROGRESS_EVERY, size)
        progress.advance(end - start)
        yield from range(start, end)


def audit_log(progress: Progress = SILENT) -> tuple[int, list[str]]:
    """Return the tree size and the list of problems found (empty when everything holds).

    ``progress`` hears of the leaves checked."""
    state = LedgerState.objects.filter(id=1).first()
    size = state.size if state else 0
    progress.stage("leaves", size)
    problems: list[str] = []
    rows = _Rows()
    edge: list[bytes] = []
    leaves = Leaf.objects.select_related("event").order_by("index").iterator(chunk_size=2000)
    for n in _counted(size, progress):
        leaf = next(leaves, None)
        if leaf is None or leaf.index != n:
            problems.append(f"leaf {n} is missing")
            return size, problems
        stored = rows.take()
        if stored is None:
            problems.append(f"stored hash {rows.next_index} (leaf {n}) is missing")
            return size, problems
        if stored != leaf_hash(leaf_entry(leaf)) or bytes(leaf.hash) != stored:
            problems.append(f"leaf {n} does not match its {'event' if leaf.event_id else 'cover entry'}")
        h, m, level = stored, n, 0
        while m & 1:
            index = rows.next_index
            parent = rows.take()
            if parent is None:
                problems.append(f"stored hash {index} is missing")
                return size, problems
            level += 1
            if parent != node_hash(edge.pop(), h):
                problems.append(
                    f"stored hash {index} (level {level}, node {n >> level}) is not the hash of its two children"
                )
            h, m = parent, m >> 1
        edge.append(h)
    extra = rows.rest()
    if extra:
        problems.append(
            f"{len(extra)} stored hashes beyond the tree of size {size} (from index {extra[0]}; "
            f"expected {stored_hash_count(size)} in all)"
        )
    if next(leaves, None) is not None:
        problems.append(f"leaves beyond the tree of size {size}")
    problems.extend(_integration_problems(state))
    problems.extend(published_records_problems())
    return size, problems


def _integration_problems(state: LedgerState | None) -> list[str]:
    """Every event below the integration mark has exactly one leaf; none above it has one; the
    events table has no gap."""
    integrated = state.events_integrated if state else 0
    problems = []
    below = Event.objects.filter(seq__lt=integrated)
    if below.count() != integrated:
        problems.append(f"events below {integrated} have a gap: {below.count()} of {integrated} exist")
    with_leaves = Leaf.objects.filter(event__isnull=False)
    if with_leaves.count() != integrated or with_leaves.filter(event__seq__gte=integrated).exists():
        problems.append(
            f"{with_leaves.count()} events have leaves, but exactly the {integrated} integrated events should"
        )
    return problems


def published_records_problems() -> list[str]:
    """What the platform shows as published must be the words its events record: each published
    communiqué's stored text and version equal those of its public ``communique.published``
    event, and each approved minutes' text equals the draft of the version approved."""
    from goodoffices.events.models import EventKind
    from goodoffices.meetings.models import Communique, Meeting

    problems: list[str] = []
    published = {
        event.subject_id: event.payload
        for event in Event.objects.filter(kind=EventKind.COMMUNIQUE_PUBLISHED).order_by("seq").iterator()
    }
    published_communiques = Communique.objects.filter(status=Communique.Status.PUBLISHED).prefetch_related(
        "language_versions"
    )
    for communique in published_communiques.iterator(chunk_size=500):
        payload = published.get(str(communique.pk))
        texts = [text.as_record() for text in communique.texts()]
        if payload is None:
            problems.append(f"communiqué {communique.pk} is published but no public event publishes it")
        elif (
            payload.get("text") != communique.text
            or payload.get("version") != communique.version
            # Published before language versions: the one text, and no language versions since.
            or payload.get("texts", texts[:1]) != texts
        ):
            problems.append(
                f"communiqué {communique.pk} shows version {communique.version}, but its public event "
                f"published version {payload.get('version')} with other words"
            )
    drafts = {
        (event.subject_id, event.payload.get("version")): event.payload.get("text")
        for event in Event.objects.filter(kind=EventKind.MINUTES_DRAFTED).order_by("seq").iterator()
    }
    for meeting in Meeting.objects.filter(minutes_status=Meeting.MinutesStatus.APPROVED).iterator():
        if drafts.get((str(meeting.pk), meeting.minutes_version)) != meeting.minutes:
            problems.append(
                f"meeting {meeting.pk}'s approved minutes are not the words of the draft version "
                f"{meeting.minutes_version} its events record"
            )
    return problems
