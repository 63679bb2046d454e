"""Reads that feed the agreement figures: two queries, whatever the project's size."""

from annotations.agreement.figures import (
    AnnotationRow,
    Basis,
    compute_agreement,
    with_all_annotators,
)
from annotations.models import Annotation, Sentence

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


def agreement_for(user, project, document=None) -> dict:
    """The agreement figures of ``project`` or one of its documents, as the API answers them.

    Until documents can be assigned, every annotator who annotated a document counts as
    one of its coders (``Basis.ALL_ANNOTATORS``).
    """
    sentences, rows = agreement_rows(user, project, document)
    documents = with_all_annotators(sentences, rows)
    return compute_agreement(documents, rows, basis=Basis.ALL_ANNOTATORS)
