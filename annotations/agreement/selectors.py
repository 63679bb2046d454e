"""Reads that feed the agreement figures: three queries, whatever the project's size."""

from collections import defaultdict

from annotations.agreement.figures import (
    AnnotationRow,
    Basis,
    CodedDocument,
    compute_agreement,
    with_annotators,
)
from annotations.models import Annotation, Assignment, AssignmentState, Sentence

_ROW_COLUMNS = (
    "id",
    "annotator__username",
    "document_id",
    "sentence_id",
    "start",
    "end",
    "claim_type__slug",
    "verification_status",
)


def agreement_rows(user, project, document=None):
    """``(sentences, annotations)`` of ``project`` (or one document of it) that ``user`` sees.

    ``sentences`` are ``(sentence id, document id)`` pairs in reading order, of the
    documents that have annotations (the others have nobody to compare); ``annotations``
    are ``AnnotationRow`` in id order. One query each.
    """
    annotations = Annotation.objects.for_user(user).filter(project=project)
    if document is not None:
        annotations = annotations.filter(document=document)
    sentences = (
        Sentence.objects.filter(document__in=annotations.values("document_id"))
        .order_by("document_id", "index")
        .values_list("id", "document_id")
    )
    rows = [
        AnnotationRow(*values)
        for values in annotations.order_by("id").values_list(*_ROW_COLUMNS).iterator()
    ]
    return list(sentences), rows


def coded_documents(project, sentences, rows, document=None) -> tuple[list[CodedDocument], Basis]:
    """Who coded each document, and the basis of the figures: the one rule for both.

    A document with assignments is coded by its done assignees (an assignee still at work
    has not given their final answer, and the desk may not have asked the others); one
    without assignments by every annotator who annotated it. One query.
    """
    assignments = Assignment.objects.filter(document__project=project)
    if document is not None:
        assignments = assignments.filter(document=document)
    assigned, done = set(), defaultdict(set)
    for document_id, username, state in assignments.values_list(
        "document_id", "assignee__username", "state"
    ):
        assigned.add(document_id)
        if state == AssignmentState.DONE:
            done[document_id].add(username)
    coders = defaultdict(set)
    for row in rows:
        if row.document not in assigned:
            coders[row.document].add(row.annotator)
    coders.update(done)
    documents = with_annotators(sentences, coders)
    bases = [
        Basis.DONE_ASSIGNEES if coded.id in assigned else Basis.ALL_ANNOTATORS
        for coded in documents
    ]
    return documents, Basis.of(bases)


def agreement_for(user, project, document=None) -> dict:
    """The agreement figures of ``project`` or one of its documents, as the API answers them.

    Coders are chosen by ``coded_documents``; the response's ``basis`` says how.
    """
    sentences, rows = agreement_rows(user, project, document)
    documents, basis = coded_documents(project, sentences, rows, document)
    return compute_agreement(documents, rows, basis=basis)
