"""Removing stored caucus files that no row refers to.

An upload writes its file before the transaction that records it commits; a crash in between
(a killed process, a lost database) leaves the file with no row. Such a file belongs to no caucus
and nobody can download it, but it is confidential material left on disk. Only files older than
a grace period are removed, so an upload still in flight is never touched, and never a file that
a row names.
"""

import logging
from datetime import datetime

from .models import CaucusDocument, caucus_storage

logger = logging.getLogger(__name__)

ROOT = "caucus"
# Names asked about in one query (SQLite bounds the parameters of a statement).
CHUNK = 500


def _stored_files() -> list[str]:
    storage = caucus_storage()
    if not storage.exists(ROOT):
        return []
    names: list[str] = []
    parties, _ = storage.listdir(ROOT)
    for party in parties:
        _, files = storage.listdir(f"{ROOT}/{party}")
        names.extend(f"{ROOT}/{party}/{name}" for name in files)
    return names


def orphan_files_sweep(*, older_than: datetime) -> list[str]:
    """Delete stored caucus files last written before ``older_than`` that no document row names."""
    storage = caucus_storage()
    candidates = [name for name in _stored_files() if storage.get_modified_time(name) < older_than]
    referenced: set[str] = set()
    for start in range(0, len(candidates), CHUNK):
        chunk = candidates[start : start + CHUNK]
        referenced.update(CaucusDocument.objects.filter(file__in=chunk).values_list("file", flat=True))
    removed = []
    for name in candidates:
        if name in referenced:
            continue
        storage.delete(name)
        logger.warning("removed %s: a stored caucus file that no document refers to (an interrupted upload)", name)
        removed.append(name)
    return removed
