"""Adjudication, read side: where a document's done assignees disagree, and what is settled.

A *version* is one done assignee's annotations of one sentence (none: "no claim"). A
sentence is a *disagreement* when its versions differ in whether there is a claim, its
claim type, verdict or span. It is *resolved* when every annotation of it is approved or
not chosen and the approved ones are one author's (one version, or the reviewer's merged
one) — or all are not chosen ("no claim"). The writes live in
``annotations.services.adjudication``.
"""

from dataclasses import dataclass, field

from annotations.models import Annotation, Assignment, ClaimType, Document, ReviewState, Sentence

MIN_ASSIGNEES = 2  # adjudication compares versions: it needs two done assignees at least
SETTLED_STATES = frozenset({ReviewState.APPROVED, ReviewState.NOT_CHOSEN})


@dataclass
class Version:
    """One done assignee's annotations of a sentence; ``number`` is its key (1..9)."""

    number: int
    annotator: object
    annotations: list[Annotation]

    @property
    def is_no_claim(self) -> bool:
        return not self.annotations

    @property
    def key(self) -> frozenset:
        return frozenset(
            (a.claim_type_id, a.verification_status, a.start, a.end) for a in self.annotations
        )


@dataclass
class Case:
    """A sentence the done assignees disagree on, their versions and how it stands."""

    sentence: Sentence
    versions: list[Version]
    others: list[Annotation] = field(default_factory=list)  # e.g. the reviewer's merged one

    @property
    def annotations(self) -> list[Annotation]:
        return [a for version in self.versions for a in version.annotations] + self.others

    @property
    def approved(self) -> list[Annotation]:
        return [a for a in self.annotations if a.review_state == ReviewState.APPROVED]

    @property
    def resolved(self) -> bool:
        annotations = self.annotations
        settled = all(a.review_state in SETTLED_STATES for a in annotations)
        return settled and len({a.annotator_id for a in self.approved}) <= 1

    @property
    def decision(self) -> str:
        """What was decided, in words; empty while unresolved."""
        if not self.resolved:
            return ""
        approved = self.approved
        if not approved:
            return "No claim"
        author = approved[0].annotator_id
        for version in self.versions:
            if version.annotator.pk == author:
                return f"Version {version.number} ({version.annotator.username})"
        return f"Merged by {approved[0].annotator.username}"


@dataclass
class Adjudication:
    document: Document
    assignees: list  # the done assignees, in version order
    cases: list[Case]
    claim_types: list[ClaimType]

    @property
    def possible(self) -> bool:
        return len(self.assignees) >= MIN_ASSIGNEES

    @property
    def resolved(self) -> int:
        return sum(case.resolved for case in self.cases)

    @property
    def total(self) -> int:
        return len(self.cases)


def done_assignees(document) -> list:
    """The users whose assignment of ``document`` is done, by username (one query)."""
    assignments = Assignment.objects.done().filter(document=document).select_related("assignee")
    return sorted((a.assignee for a in assignments), key=lambda user: (user.username, user.pk))


def adjudication_for(document: Document, *, sentence: Sentence | None = None) -> Adjudication:
    """The disagreements of ``document`` (or of one sentence of it) and their state.

    Four queries whatever the document's size: done assignees, sentences, annotations
    (with claim type and annotator) and the project's claim types.
    """
    assignees = done_assignees(document)
    sentences = Sentence.objects.filter(document=document)
    annotations = (
        Annotation.objects.filter(document=document)
        .select_related("claim_type", "annotator", "reviewed_by")
        .order_by("sentence_id", "start", "id")
    )
    if sentence is not None:
        sentences = sentences.filter(pk=sentence.pk)
        annotations = annotations.filter(sentence=sentence)
    by_sentence: dict[int, list[Annotation]] = {}
    for annotation in annotations:
        by_sentence.setdefault(annotation.sentence_id, []).append(annotation)
    cases = []
    if len(assignees) >= MIN_ASSIGNEES:
        for row in sentences.order_by("index"):
            case = _case(row, assignees, by_sentence.get(row.pk, []))
            if case is not None:
                cases.append(case)
    claim_types = list(ClaimType.objects.filter(project_id=document.project_id))
    return Adjudication(document, assignees, cases, claim_types)


def _case(sentence, assignees, annotations) -> Case | None:
    """The sentence as a case, or None when every version is the same."""
    mine = {user.pk: [] for user in assignees}
    others = []
    for annotation in annotations:
        mine.get(annotation.annotator_id, others).append(annotation)
    versions = [
        Version(number, user, mine[user.pk]) for number, user in enumerate(assignees, start=1)
    ]
    if len({version.key for version in versions}) <= 1:
        return None
    return Case(sentence, versions, others)
