"""Writing annotations and their sources: versioned, permission-checked, with history."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from annotations import messages, permissions
from annotations.models import (
    Annotation,
    Claim,
    ClaimType,
    ReviewState,
    Sentence,
    Source,
    VerificationStatus,
)
from annotations.services import annotation_updates, assignments
from annotations.services.history_sql import history_insert_sql
from annotations.services.versions import ExpectedVersion, take_next_version


class VersionConflict(Exception):
    """The client edited an annotation based on a version that is no longer current."""

    def __init__(self, current: Annotation | None):
        super().__init__(messages.VERSION_CONFLICT)
        self.current = current


SOURCE_FIELDS = ("url", "title", "publisher", "stance", "excerpt", "accessed_at")
CONTENT_FIELDS = ("claim_type", "verification_status", "rationale", "start", "end", "claim")
# The most annotations one bulk save takes (``create_annotations``).
MAX_BULK_ANNOTATIONS = 1000


class BulkValidationError(Exception):
    """Some items of a bulk save are invalid; nothing was stored.

    ``errors`` maps the index of each bad item to its ``ValidationError`` (or to the
    errors the caller passed in as ``invalid``).
    """

    def __init__(self, errors: dict[int, ValidationError]):
        super().__init__(f"{len(errors)} invalid annotation(s)")
        self.errors = errors


def _require_edit(user, annotation: Annotation) -> str:
    role = permissions.role_in(user, annotation.project_id, annotated=annotation)
    if role is None:
        raise PermissionDenied(messages.NOT_A_MEMBER)
    if not permissions.can_edit_annotation(user, annotation, role=role):
        raise PermissionDenied(messages.CANNOT_EDIT)
    return role


def _current(pk) -> Annotation | None:
    """The annotation as stored now, for a conflict response (None once deleted)."""
    return Annotation.objects.with_related().filter(pk=pk).first()


def _claim_version(annotation: Annotation, expected_version: ExpectedVersion) -> None:
    """Atomically take the next version, or raise ``VersionConflict``."""
    version = take_next_version(Annotation, annotation.pk, expected_version)
    if version is None:
        raise VersionConflict(_current(annotation.pk))
    annotation.version = version


def _based_on(annotation: Annotation, expected_version: ExpectedVersion) -> int | None:
    """The version an edit overwrites: the one read, if ``If-Match`` accepts it.

    ``expected_version`` is a version, a set of acceptable ones (an ``If-Match`` list; an
    empty set matches nothing) or ``None`` for any version. ``_write`` then updates the row
    only if it still holds the version read, so a concurrent writer is still caught.
    """
    if expected_version is None:
        return None
    accepted = {expected_version} if isinstance(expected_version, int) else expected_version
    if annotation.version not in accepted:
        raise VersionConflict(_current(annotation.pk))
    return annotation.version


def _write(annotation: Annotation, *, user, expected_version: int | None) -> None:
    """Store the changed annotation as its next version and record it in history.

    With ``expected_version`` the row is written only if it still holds that version: one
    conditional UPDATE is both the check and the lock (PostgreSQL locks the row, SQLite the
    database), so of two writers holding the same version exactly one succeeds.
    """
    if expected_version is not None and annotation.version != expected_version:
        raise VersionConflict(_current(annotation.pk))
    annotation.updated_at = timezone.now()
    values = {
        field.attname: getattr(annotation, field.attname)
        for field in Annotation._meta.concrete_fields
        if not field.primary_key and field.attname != "version"
    }
    rows = Annotation.objects.filter(pk=annotation.pk)
    if expected_version is None:
        values["version"] = F("version") + 1
    else:
        rows = rows.filter(version=expected_version)
        values["version"] = expected_version + 1
    if not rows.update(**values):
        raise VersionConflict(_current(annotation.pk))
    if expected_version is None:
        annotation.version = rows.values_list("version", flat=True).get()
    else:
        annotation.version = expected_version + 1
    # The same history row a save() would leave, with the acting user and reason.
    Annotation.history.bulk_history_create(
        [annotation], update=True, default_user=user, default_change_reason=None
    )


def _write_at_once(annotation: Annotation, *, user, expected_version, activity=False):
    """``_write`` (and, with ``activity``, ``note_activity``) as one PostgreSQL statement."""
    stored = annotation_updates.save(
        annotation, user=user, expected_version=expected_version, activity=activity
    )
    if stored is None:
        raise VersionConflict(_current(annotation.pk))


def _new_source(annotation: Annotation, position: int, item: dict, source=None) -> Source:
    source = source or Source(annotation=annotation)
    for name in SOURCE_FIELDS:
        if name in item:
            setattr(source, name, item[name] if item[name] is not None else "")
    if source.accessed_at == "":
        source.accessed_at = None
    source.position = position
    # Field validators already refuse a bad URL or stance; the database keeps the
    # check constraints, so re-running them here would only add a query each.
    source.full_clean(exclude=["annotation"], validate_constraints=False)
    return source


def _save_sources(annotation: Annotation, sources: list[dict], user) -> list[Source]:
    """Make the annotation's sources exactly ``sources``: update by id, add, remove.

    Returns them in order. New sources are inserted together, with their history rows.
    """
    existing = {source.pk: source for source in annotation.sources.all()}
    result, added, keep = [], [], set()
    for position, item in enumerate(sources):
        source = existing.get(item.get("id")) if item.get("id") else None
        source = _new_source(annotation, position, item, source)
        if source.pk is None:
            added.append(source)
        else:
            source._history_user = user
            source.save()
            keep.add(source.pk)
        result.append(source)
    if added:
        bulk_create_with_history(added, Source, default_user=user)
    for pk, source in existing.items():
        if pk not in keep:
            source._history_user = user
            source.delete()
    return result


def _validate_annotation(annotation: Annotation) -> None:
    """Check the span and claim type, and derive the quote: never taken from a client.

    The quote is cut from the sentence's own text (``document.text[start:end]`` by the
    sentence's invariant), so saving never loads the document text.
    """
    sentence = annotation.sentence
    inside = sentence.start <= (annotation.start or 0) <= (annotation.end or 0) <= sentence.end
    annotation.quote = (
        sentence.text[annotation.start - sentence.start : annotation.end - sentence.start]
        if inside and annotation.start is not None and annotation.end is not None
        else ""
    )
    # Uniqueness is left to the database, which also catches concurrent duplicates. The
    # quote is derived, so a bad span is reported on the offsets, not as a blank quote.
    # Project and document are the sentence's own, never a client's choice.
    annotation.full_clean(
        exclude=["quote", "project", "document", *_loaded_relations(annotation)],
        validate_constraints=False,
    )


def _loaded_relations(instance) -> list[str]:
    """Foreign keys whose row is already in hand: checking that it exists costs a query each."""
    return [
        field.name
        for field in instance._meta.concrete_fields
        if field.is_relation and field.is_cached(instance)
    ]


def _new_annotation(
    user,
    *,
    sentence: Sentence,
    claim_type: ClaimType,
    start: int | None = None,
    end: int | None = None,
    verification_status: str = VerificationStatus.UNVERIFIED,
    rationale: str = "",
    sources: list[dict] | None = None,
    claim: Claim | None = None,
) -> tuple[Annotation, list[Source]]:
    """A checked, unsaved annotation and its unsaved sources.

    ``claim`` links it as an appearance of a claim of the same project (``clean()`` refuses
    another project's); nothing of the claim's verdict is copied.
    """
    project_id = getattr(sentence, "document_project_id", None) or sentence.document.project_id
    if permissions.role_in(user, project_id, annotated=sentence) is None:
        raise PermissionDenied(messages.NOT_A_MEMBER)
    annotation = Annotation(
        project_id=project_id,
        document_id=sentence.document_id,
        sentence=sentence,
        start=sentence.start if start is None else start,
        end=sentence.end if end is None else end,
        claim_type=claim_type,
        verification_status=verification_status,
        rationale=rationale or "",
        annotator=user,
        claim=claim,
    )
    _validate_annotation(annotation)
    items = [_new_source(annotation, n, item) for n, item in enumerate(sources or [])]
    return annotation, items


def _insert(user, pairs: list[tuple[Annotation, list[Source]]]) -> list[Annotation]:
    """Store annotations and their sources with one history row each, all or nothing.

    simple-history's bulk helpers write the same history rows as a save() would, in one
    INSERT per table instead of one per row.
    """
    annotations = [annotation for annotation, _ in pairs]
    try:
        with transaction.atomic():
            _create_with_history(annotations, Annotation, user)
            sources = []
            for annotation, items in pairs:
                for source in items:
                    source.annotation = annotation  # now that it has a primary key
                sources.extend(items)
            if sources:
                _create_with_history(sources, Source, user)
            # In the same transaction: one commit (one flush to disk) per save, not two.
            assignments.note_activity(user=user, document_ids={a.document_id for a in annotations})
    except IntegrityError as exc:
        raise ValidationError(messages.DUPLICATE_ANNOTATION, code="duplicate") from exc
    for annotation, items in pairs:
        annotation.saved_sources = items
    return annotations


# Beyond this many rows, the database copies the history rows itself (see below).
COPY_HISTORY_FROM = 20


def _create_with_history(objects: list, model, user) -> None:
    """INSERT ``objects`` and one "+" history row each, as simple-history records a save.

    Few rows go through simple-history's ``bulk_create_with_history``. For many, building
    a historical instance per row in Python costs more than the insert itself, so the
    database copies the new rows into the history table in one ``INSERT … SELECT``: the
    same columns that helper fills (the tracked fields, the date, the user, no reason).
    ``tests/api/test_bulk.py`` checks both paths leave the same rows.
    """
    if len(objects) < COPY_HISTORY_FROM:
        bulk_create_with_history(objects, model, default_user=user)
        return
    model.objects.bulk_create(objects)
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    ids = [obj.pk for obj in objects]
    source = f"{table} WHERE {pk} IN ({', '.join(['%s'] * len(ids))}) ORDER BY {pk}"
    when = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(history_insert_sql(model, source), [when, None, "+", user.pk, *ids])


def create_annotation(*, user, sentence: Sentence, claim_type: ClaimType, **fields) -> Annotation:
    """Annotate a sentence (or a span inside it: document offsets) as a claim.

    ``fields`` may hold ``start``, ``end``, ``verification_status``, ``rationale`` and
    ``sources``. The sources saved are on ``annotation.saved_sources``, in order.
    """
    pair = _new_annotation(user, sentence=sentence, claim_type=claim_type, **fields)
    return _insert(user, [pair])[0]


def create_annotations(*, user, items: list[dict | None], invalid=None) -> list[Annotation]:
    """Create many annotations at once with the rules of ``create_annotation``: all or none.

    Each item holds ``create_annotation``'s arguments. ``invalid`` maps the indexes of
    items the caller already found bad (None in ``items``) to their errors: the others are
    still checked, so that all problems are reported together. Raises
    ``BulkValidationError`` naming every bad item by index (nothing is stored), and
    ``PermissionDenied`` if any item is in a project the user may not annotate.

    On PostgreSQL the API stores valid items through ``annotations_sql`` instead, which
    must leave the same rows (``tests/api/test_create_sql.py``): change both together.
    """
    if len(items) > MAX_BULK_ANNOTATIONS:
        raise ValidationError(messages.BULK_TOO_MANY.format(limit=MAX_BULK_ANNOTATIONS))
    pairs, errors = [], dict(invalid or {})
    for index, item in enumerate(items):
        try:
            pairs.append(None if item is None else _new_annotation(user, **item))
        except ValidationError as exc:
            errors[index] = exc
            pairs.append(None)
    errors.update(_duplicates(user, pairs))
    if errors:
        raise BulkValidationError(dict(sorted(errors.items())))
    return _insert(user, pairs)


def _duplicates(user, pairs) -> dict[int, ValidationError]:
    """Items that repeat a span the user annotated before or earlier in the same batch.

    One query, so each duplicate is named by its index; the unique constraint still
    catches one saved concurrently.
    """
    spans = {
        index: (pair[0].sentence_id, pair[0].start, pair[0].end)
        for index, pair in enumerate(pairs)
        if pair is not None
    }
    if not spans:
        return {}
    stored = set(
        Annotation.objects.filter(
            annotator=user, sentence_id__in={span[0] for span in spans.values()}
        ).values_list("sentence_id", "start", "end")
    )
    errors = {}
    for index, span in spans.items():
        if span in stored:
            errors[index] = ValidationError(messages.DUPLICATE_ANNOTATION, code="duplicate")
        stored.add(span)
    return errors


def update_annotation(
    *,
    user,
    annotation: Annotation,
    expected_version: ExpectedVersion,
    sources: list[dict] | None = None,
    **changes,
) -> Annotation:
    """Change an annotation's content and/or sources, refusing stale edits.

    ``changes`` may hold any of ``claim_type``, ``verification_status``, ``rationale``,
    ``start``, ``end``, ``claim`` (a claim of the same project, or ``None`` to unlink).
    When an annotator who is not a reviewer changes a reviewed annotation, it goes back to
    pending review. The annotation's sources afterwards are on ``annotation.saved_sources``
    when ``sources`` was given.
    """
    unknown = set(changes) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"update_annotation() got unexpected fields {sorted(unknown)}")
    role = _require_edit(user, annotation)
    based_on = _based_on(annotation, expected_version)
    for name, value in changes.items():
        setattr(annotation, name, value)
    _validate_annotation(annotation)
    if role not in permissions.EDITOR_ROLES and annotation.review_state != ReviewState.PENDING:
        annotation.review_state = ReviewState.PENDING
    annotation._history_user = user
    try:
        if sources is None and annotation_updates.enabled():
            _write_at_once(annotation, user=user, expected_version=based_on, activity=True)
        else:
            with transaction.atomic():
                _write(annotation, user=user, expected_version=based_on)
                if sources is not None:
                    annotation.saved_sources = _save_sources(annotation, sources, user)
                assignments.note_activity(user=user, document_ids=[annotation.document_id])
    except IntegrityError as exc:
        raise ValidationError(messages.DUPLICATE_ANNOTATION, code="duplicate") from exc
    return annotation


@transaction.atomic
def delete_annotation(*, user, annotation: Annotation, expected_version: ExpectedVersion) -> None:
    _require_edit(user, annotation)
    _claim_version(annotation, expected_version)
    for source in annotation.sources.all():
        source._history_user = user
        source.delete()
    annotation._history_user = user
    annotation.delete()


REVIEW_DECISIONS = {
    "approve": ReviewState.APPROVED,
    "request_changes": ReviewState.CHANGES_REQUESTED,
}


def review_annotation(
    *,
    user,
    annotation: Annotation,
    decision: str,
    comment: str = "",
    expected_version: ExpectedVersion = None,
) -> Annotation:
    """Approve an annotation or send it back, recording who and when."""
    if decision not in REVIEW_DECISIONS:
        raise ValidationError({"decision": f"Use one of {sorted(REVIEW_DECISIONS)}."})
    role = permissions.role_in(user, annotation.project_id, annotated=annotation)
    if not permissions.can_review(user, annotation.project_id, role=role):
        raise PermissionDenied(messages.CANNOT_REVIEW)
    based_on = _based_on(annotation, expected_version)
    annotation.review_state = REVIEW_DECISIONS[decision]
    annotation.reviewed_by = user
    annotation.reviewed_at = timezone.now()
    annotation.review_comment = comment or ""
    annotation._history_user = user
    annotation._change_reason = f"review: {decision}"
    if annotation_updates.enabled():
        _write_at_once(annotation, user=user, expected_version=based_on)
    else:
        with transaction.atomic():
            _write(annotation, user=user, expected_version=based_on)
    return annotation


@transaction.atomic
def set_verification_status(*, user, annotation: Annotation, status: str) -> Annotation:
    """An editor's verdict, as from the admin's bulk action; history records it."""
    return update_annotation(
        user=user, annotation=annotation, expected_version=None, verification_status=status
    )
