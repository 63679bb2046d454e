"""Changing one annotation on PostgreSQL in two statements: one read, one write.

A change (``PATCH``, a review) needs the annotation with what its response shows, the
caller's role and whether independent annotation hides it; the ORM spells that as joins
and an ``IN`` over the blind documents, which PostgreSQL takes about 1 ms to plan and
Django about 2 ms to build, for a 0.1 ms lookup by primary key. Here it is one statement of
scalar subqueries, built once per process from the models' metadata. The write is one
data-modifying statement in autocommit: the conditional UPDATE (version check and row
lock in one), its history row, and the assignment move of ``assignments.note_activity``
with its own history row, so there are no BEGIN/COMMIT round trips and one commit.

Every rule stays where it was: the services decide who may do what and what changes;
this module only reads and writes rows. SQLite (and PostgreSQL with ``ENABLED`` off) keep
the ORM path; ``tests/api/test_update_sql.py`` checks both leave the same rows and answers.
"""

import functools

from django.db import connection, transaction
from django.db.models import DateField, DateTimeField
from django.utils import timezone
from simple_history.utils import get_change_reason_from_object

from annotations import permissions
from annotations.models import (
    MAX_ID,
    Annotation,
    Assignment,
    AssignmentState,
    ClaimType,
    Membership,
    Project,
    Sentence,
    Source,
)
from annotations.services.history_sql import history_insert_sql
from factcheck.postgresql.base import prepared

# Off: PostgreSQL takes the portable ORM path too (the tests compare both).
ENABLED = True


def enabled() -> bool:
    return ENABLED and connection.vendor == "postgresql"


def annotation_for_editing(user, pk: int) -> Annotation | None:
    """The annotation ``pk`` if ``user`` may see it, ready to change and to show; else None.

    It carries its sentence, claim type, annotator, reviewer, sources and ``user``'s role
    (as ``Annotation.objects.for_user(user).for_editing(user)`` gives them).
    """
    if not enabled():
        try:
            return Annotation.objects.for_user(user).for_editing(user).get(pk=pk)
        except Annotation.DoesNotExist:
            return None
    if not user.is_authenticated or not user.is_active or not 0 < pk <= MAX_ID:
        return None
    with connection.cursor() as cursor:
        params = {"pk": pk, "user": user.pk, "done": AssignmentState.DONE}
        cursor.execute(*prepared(_read_sql(), params))
        row = cursor.fetchone()
    if row is None:
        return None
    return _annotation_from_row(user, row)


def _columns(model, alias: str) -> str:
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


def _json_row(model, alias: str, fields=None) -> str:
    """``json_build_array`` of the columns of ``model`` (all, or ``fields``) in field order."""
    quote = connection.ops.quote_name
    names = [
        f"{alias}.{quote(field.column)}"
        for field in model._meta.concrete_fields
        if fields is None or field.attname in fields
    ]
    return f"json_build_array({', '.join(names)})"


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _user_fields() -> tuple[str, str]:
    """The user columns an annotation is shown with: its annotator's and reviewer's names."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    return (user_model._meta.pk.attname, user_model.USERNAME_FIELD)


@functools.cache
def _read_sql() -> str:
    """One row: the annotation's columns, then the caller's role, whether the caller works
    blind on its document (an open assignment in a project with independent annotation),
    its sentence, claim type, annotator, reviewer and its sources in order.

    Scalar subqueries rather than joins: the planner takes a tenth of the time.
    """
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    a = "a"
    return (
        f"SELECT {_columns(Annotation, a)}, "  # noqa: S608 - only names from the models
        f"(SELECT m.role FROM {_table(Membership)} m "
        f"WHERE m.project_id = a.project_id AND m.user_id = %(user)s), "
        f"(SELECT p.independent_annotation FROM {_table(Project)} p WHERE p.id = a.project_id) "
        f"AND EXISTS (SELECT 1 FROM {_table(Assignment)} g WHERE g.document_id = a.document_id "
        f"AND g.assignee_id = %(user)s AND g.state <> %(done)s), "
        f"(SELECT {_json_row(Sentence, 's')} FROM {_table(Sentence)} s "
        f"WHERE s.id = a.sentence_id), "
        f"(SELECT {_json_row(ClaimType, 'c')} FROM {_table(ClaimType)} c "
        f"WHERE c.id = a.claim_type_id), "
        f"(SELECT {_json_row(user_model, 'u', _user_fields())} FROM {_table(user_model)} u "
        f"WHERE u.id = a.annotator_id), "
        f"(SELECT {_json_row(user_model, 'r', _user_fields())} FROM {_table(user_model)} r "
        f"WHERE r.id = a.reviewed_by_id), "
        f"(SELECT json_agg({_json_row(Source, 'x')} ORDER BY x.position, x.id) "
        f"FROM {_table(Source)} x WHERE x.annotation_id = a.id) "
        f"FROM {_table(Annotation)} a WHERE a.id = %(pk)s"
    )


def _instance(model, values, fields=None):
    """A model instance from JSON values in field order (``fields`` loaded, others deferred)."""
    names, converted = [], []
    loaded = [f for f in model._meta.concrete_fields if fields is None or f.attname in fields]
    for field, value in zip(loaded, values, strict=True):
        names.append(field.attname)
        if value is not None and isinstance(field, DateField | DateTimeField):
            value = field.to_python(value)  # JSON has them as ISO 8601 text
        converted.append(value)
    return model.from_db(connection.alias, names, converted)


def _annotation_from_row(user, row) -> Annotation | None:
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    count = len(Annotation._meta.concrete_fields)
    annotation = Annotation.from_db(
        connection.alias, [f.attname for f in Annotation._meta.concrete_fields], row[:count]
    )
    role, blind, sentence, claim_type, annotator, reviewer, sources = row[count:]
    annotation.caller_role, annotation.caller_id = role, user.pk
    role = permissions.role_in(user, annotation.project_id, annotated=annotation)
    if role is None:
        return None  # not a member: as for_user(), nothing to see
    # Independent annotation, as querysets.blind_document_ids: others' work on a document
    # the caller annotates blind is hidden (works_blind is the rule for one member).
    project = Project(pk=annotation.project_id, independent_annotation=bool(blind))
    if annotation.annotator_id != user.pk and permissions.works_blind(user, project, role):
        return None
    annotation.sentence = _instance(Sentence, sentence)
    annotation.claim_type = _instance(ClaimType, claim_type)
    names = _user_fields()
    annotation.annotator = _instance(user_model, annotator, names)
    annotation.reviewed_by = _instance(user_model, reviewer, names) if reviewer else None
    items = [_instance(Source, values) for values in sources or []]
    for item in items:  # as prefetch_related leaves them
        Source.annotation.field.set_cached_value(item, annotation)
    cached = Source.objects.filter(annotation=annotation)
    cached._result_cache, cached._prefetch_done = items, True
    annotation._prefetched_objects_cache = {"sources": cached}
    return annotation


def save(annotation: Annotation, *, user, expected_version: int | None, activity=True):
    """Write the changed ``annotation`` as its next version, with its history row, in one
    statement; with ``activity`` also move the user's assignment of its document as
    ``assignments.note_activity`` does. Returns the new version, or None (nothing written)
    when the row no longer holds ``expected_version`` (None: any version) or is gone.

    ``_write`` in ``services.annotations`` is the same write through the ORM; the history
    row takes its user, reason and date from the instance as simple-history does.
    """
    now = timezone.now()
    annotation.updated_at = now
    values = [
        field.get_db_prep_save(getattr(annotation, field.attname), connection)
        for field in _written_fields()
    ]
    if expected_version is None:
        params = [*values, annotation.pk]
    else:
        params = [*values, expected_version + 1, annotation.pk, expected_version]
    history_user = getattr(annotation, "_history_user", user)
    params += [  # history_sql.HISTORY_EXTRA_COLUMNS
        getattr(annotation, "_history_date", now),
        get_change_reason_from_object(annotation),
        "~",
        history_user.pk if history_user is not None else None,
    ]
    if activity:
        moved = [AssignmentState.IN_PROGRESS, now, annotation.document_id, user.pk]
        params += [*moved, AssignmentState.ASSIGNED, now, "first save", "+", user.pk]
    sql = _write_sql(expected_version is not None, activity)
    if connection.in_atomic_block:
        with transaction.atomic():  # a savepoint: a failed statement must not end the caller's
            row = _execute(sql, params)
    else:
        row = _execute(sql, params)  # autocommit: the statement is its own transaction
    if row is None:
        return None
    annotation.version = row[0]
    return row[0]


def _execute(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(*prepared(sql, params))
        return cursor.fetchone()


def _written_fields():
    """What ``_write`` stores: every column but the key and the version."""
    return [
        field
        for field in Annotation._meta.concrete_fields
        if not field.primary_key and field.attname != "version"
    ]


@functools.cache
def _write_sql(checked: bool, activity: bool) -> str:
    """The UPDATE and its history row; with ``activity`` the assignment move and its own.

    The assignment moves only if the annotation was written, as in one transaction.
    Only names from the models are interpolated; every value is a parameter.
    """
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(field.column)} = %s" for field in _written_fields())
    version = "%s" if checked else '"version" + 1'
    where = '"id" = %s' + (' AND "version" = %s' if checked else "")
    parts = [
        f"updated AS (UPDATE {_table(Annotation)} SET {sets}, "  # noqa: S608
        f'"version" = {version} WHERE {where} RETURNING *)',
        f"history AS ({history_insert_sql(Annotation, 'updated')})",
    ]
    if activity:
        parts += [
            f"moved AS (UPDATE {_table(Assignment)} SET state = %s, updated_at = %s "  # noqa: S608
            "WHERE document_id = %s AND assignee_id = %s AND state = %s "
            "AND EXISTS (SELECT 1 FROM updated) RETURNING *)",
            f"moved_history AS ({history_insert_sql(Assignment, 'moved')})",
        ]
    return f'WITH {", ".join(parts)} SELECT "version" FROM updated'  # noqa: S608
