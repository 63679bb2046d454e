"""A document two done assignees annotated differently, for the adjudication tests."""

from annotations import services
from annotations.models import Role
from tests.factories import UserFactory, make_annotation, make_document

TEXT = (
    "The council approved a $2.5 million budget on Monday. "
    "Crime fell by 10% last year, the mayor said. "
    "Critics called the plan a disaster. "
    "The mayor will run again in 2027."
)


def annotate(document, user, index, slug, **fields):
    claim_type = document.project.claim_types.get(slug=slug)
    return make_annotation(
        document, user=user, sentence_index=index, claim_type=claim_type, **fields
    )


def finish(owner, document, *people):
    """Assign ``people`` the document and mark each assignment done."""
    services.assign_documents(user=owner, documents=[document], assignees=list(people))
    for assignment in document.assignments.filter(assignee__in=people):
        services.update_assignment(user=owner, assignment=assignment, state="done")


def disagreeing_document(project, owner, anna, *, alex=None, text=TEXT):
    """anna and alex agree on sentence 0 and differ on 1 (type, verdict), 2 (a claim or
    not) and 3 (span). Returns (document, alex, {name: annotation})."""
    if alex is None:
        alex = UserFactory(username="alex")
        services.add_member(project=project, user=alex, role=Role.ANNOTATOR)
    document = make_document(project, text=text, title="Budget vote")
    sentences = list(document.sentences.order_by("index"))
    found = {
        "anna0": annotate(document, anna, 0, "statistic", verification_status="true"),
        "alex0": annotate(document, alex, 0, "statistic", verification_status="true"),
        "anna1": annotate(document, anna, 1, "statistic", verification_status="false"),
        "alex1": annotate(document, alex, 1, "quote", verification_status="mostly_false"),
        "anna2": annotate(document, anna, 2, "opinion"),
        "anna3": annotate(document, anna, 3, "prediction"),
        "alex3": annotate(
            document, alex, 3, "prediction", start=sentences[3].start, end=sentences[3].start + 14
        ),
    }
    finish(owner, document, anna, alex)
    return document, alex, found
