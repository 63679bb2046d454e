"""Optimistic locking shared by every versioned row (annotations, claims)."""

from collections.abc import Collection

from django.db.models import F

ExpectedVersion = int | Collection[int] | None


def take_next_version(model, pk: int, expected_version: ExpectedVersion) -> int | None:
    """Atomically bump row ``pk`` of ``model`` and return its new version.

    ``expected_version`` is the version an edit was based on, a set of acceptable ones (an
    ``If-Match`` list; an empty set matches nothing) or ``None`` for any version. Returns
    ``None`` when the row no longer has an acceptable version. The conditional UPDATE is the
    lock: on PostgreSQL it locks the row, on SQLite the database, so two writers holding the
    same version cannot both succeed.
    """
    queryset = model.objects.filter(pk=pk)
    if isinstance(expected_version, int):
        queryset = queryset.filter(version=expected_version)
    elif expected_version is not None:
        queryset = queryset.filter(version__in=expected_version)
    if not queryset.update(version=F("version") + 1):
        return None
    return model.objects.values_list("version", flat=True).get(pk=pk)
