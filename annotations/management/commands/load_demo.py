"""``manage.py load_demo``: a demo project with real work in it, so the admin is not empty.

Idempotent: running it again finds the project, the document and the annotations it made
before and creates nothing twice. The three demo accounts get fresh passwords on every run,
printed once — demo only, never on a shared server.
"""

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from annotations import services
from annotations.models import (
    Annotation,
    Document,
    Project,
    Role,
    Sentence,
    Stance,
    VerificationStatus,
)

DEMO_TEXT = Path(__file__).resolve().parents[2] / "demo" / "kcpd-ice-arrest.txt"
PROJECT_SLUG = "demo"
PROJECT_NAME = "Demo newsroom"
STORY_TITLE = "Kansas City police review their role in ICE arrest filmed on Facebook Live"
ACCESSED = date(2019, 7, 25)

# username → (role in the project, is_staff, is_superuser)
ACCOUNTS = {
    "owner": (Role.OWNER, True, True),
    "reviewer": (Role.REVIEWER, True, False),
    "annotator": (Role.ANNOTATOR, False, False),
}


@dataclass
class DemoAnnotation:
    """A claim in the story, found by an exact phrase (the span) inside one sentence."""

    phrase: str
    claim_type: str
    status: str
    rationale: str
    annotator: str = "annotator"
    sources: list[dict] = field(default_factory=list)
    review: tuple[str, str] | None = None  # (decision, comment) by the reviewer


def source(url, title, publisher, stance, excerpt=""):
    return {
        "url": url,
        "title": title,
        "publisher": publisher,
        "stance": stance,
        "excerpt": excerpt,
        "accessed_at": ACCESSED,
    }


KCPD_STATEMENT = source(
    "https://www.kcpd.org/media/chiefs-blog/example-statement-on-july-22-ice-stop/",
    "Chief's blog: statement on the July 22 ICE stop (example link)",
    "Kansas City Missouri Police Department",
    Stance.CONTEXT,
)

ANNOTATIONS = [
    DemoAnnotation(
        phrase=(
            "smashed a car window, dragging him from the vehicle in front of his girlfriend "
            "and two young children"
        ),
        claim_type="event",
        status=VerificationStatus.MIXED,
        rationale=(
            "The video shows an immigration officer, not a KCPD officer, breaking the window; "
            "the chief says KCPD did not remove the man from the car. The lede's 'officers' "
            "blurs the two agencies."
        ),
        sources=[
            {
                **KCPD_STATEMENT,
                "stance": Stance.REFUTES,
                "excerpt": "did not physically remove the individual from the car",
            },
            source(
                "https://www.facebook.com/example/videos/arrest-kansas-city-live/",
                "Facebook Live video of the arrest (example link)",
                "Facebook",
                Stance.SUPPORTS,
            ),
        ],
        review=("request_changes", "Cite the moment in the video where the glass is broken."),
    ),
    DemoAnnotation(
        phrase=(
            "We are compelled by Missouri Statute 67.307, however, to “cooperate with state "
            "and federal agencies and officials on matters pertaining to enforcement of state "
            "and federal laws governing immigration.”"
        ),
        claim_type="law-policy",
        status=VerificationStatus.TRUE,
        rationale="Section 67.307 RSMo requires this cooperation; the quote matches the text.",
        sources=[
            source(
                "https://revisor.mo.gov/main/OneSection.aspx?section=67.307",
                "Section 67.307 RSMo: sanctuary policies prohibited (example link)",
                "Missouri Revisor of Statutes",
                Stance.SUPPORTS,
                "cooperate with state and federal agencies and officials on matters "
                "pertaining to enforcement of state and federal laws governing immigration",
            )
        ],
        review=("approve", "Statute text checked."),
    ),
    DemoAnnotation(
        phrase=(
            "“Only immigration officers have the authority to detain and arrest suspected "
            "undocumented/unauthorized foreign nationals for violations of the immigration "
            "laws.”"
        ),
        claim_type="quote",
        status=VerificationStatus.IN_PROGRESS,
        rationale="Asked KCPD for the procedural instruction this is quoted from.",
        sources=[
            source(
                "https://www.kcpd.org/about/policies/example-immigration-policy/",
                "KCPD procedural instruction on immigration (example link)",
                "Kansas City Missouri Police Department",
                Stance.CONTEXT,
            )
        ],
    ),
    DemoAnnotation(
        phrase=(
            "ICE doesn't need a warrant to arrest someone who has entered the country illegally"
        ),
        claim_type="law-policy",
        status=VerificationStatus.MOSTLY_TRUE,
        rationale=(
            "Immigration officers may arrest without a warrant when they have reason to "
            "believe a person is in the U.S. unlawfully and likely to escape before a warrant "
            "can be obtained (8 U.S.C. 1357(a)(2)); the claim omits that condition."
        ),
        sources=[
            source(
                "https://www.law.cornell.edu/uscode/text/8/1357",
                "8 U.S. Code § 1357 - Powers of immigration officers and employees",
                "Legal Information Institute",
                Stance.SUPPORTS,
            ),
            source(
                "https://www.ice.gov/example/warrantless-arrest-authority",
                "ICE enforcement and removal operations: arrest authority (example link)",
                "U.S. Immigration and Customs Enforcement",
                Stance.CONTEXT,
            ),
        ],
    ),
    DemoAnnotation(
        phrase="On July 18, 2019",
        claim_type="event",
        status=VerificationStatus.FALSE,
        rationale=(
            "The chief's statement and the AP report both date the arrest to Monday, "
            "July 22, 2019; July 18 is an error in the FOP statement."
        ),
        annotator="reviewer",
        sources=[
            {
                **KCPD_STATEMENT,
                "stance": Stance.REFUTES,
                "excerpt": "the July 22 U.S. Immigration and Customs Enforcement (ICE) stop",
            }
        ],
    ),
    DemoAnnotation(
        phrase=("his officers responded to the call from ICE just like they would any other call"),
        claim_type="quote",
        status=VerificationStatus.TRUE,
        rationale="Matches the chief's published statement.",
        sources=[{**KCPD_STATEMENT, "stance": Stance.SUPPORTS}],
    ),
    DemoAnnotation(
        phrase="their disabled 7-month-old daughter",
        claim_type="statistic",
        status=VerificationStatus.UNVERIFIABLE,
        rationale=(
            "The child's age rests on Hoyt's account alone; no public record can confirm it "
            "without intruding on a private family."
        ),
        sources=[
            source(
                "https://www.facebook.com/example/videos/arrest-kansas-city-live/",
                "Facebook Live video of the arrest (example link)",
                "Facebook",
                Stance.CONTEXT,
            )
        ],
    ),
    DemoAnnotation(
        phrase="The arrest has prompted condemnation from the woman's Missouri congressman.",
        claim_type="event",
        status=VerificationStatus.UNVERIFIED,
        rationale="",
    ),
]


class Command(BaseCommand):
    help = (
        "Create (or refresh) the demo project, its three accounts, the demo story and annotations."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            users, passwords = self.ensure_users()
            project = self.ensure_project(users)
            document = self.ensure_document(project, users["owner"])
            created = sum(self.ensure_annotation(document, spec, users) for spec in ANNOTATIONS)
        # Printed after the commit, so a closed pipe cannot roll the demo back.
        self.print_summary(project, document, created, passwords)

    def ensure_users(self):
        User = get_user_model()
        users, passwords = {}, {}
        for username, (_, is_staff, is_superuser) in ACCOUNTS.items():
            user = User.objects.filter(username=username).first() or User(username=username)
            user.email = user.email or f"{username}@example.org"
            user.is_active, user.is_staff, user.is_superuser = True, is_staff, is_superuser
            passwords[username] = secrets.token_urlsafe(12)
            user.set_password(passwords[username])
            user.save()
            users[username] = user
        return users, passwords

    def ensure_project(self, users) -> Project:
        project = Project.objects.filter(slug=PROJECT_SLUG).first()
        if project is None:
            project = services.create_project(
                name=PROJECT_NAME,
                slug=PROJECT_SLUG,
                description="A wire story with quotes, statutes and dates to check.",
            )
        for username, (role, _, _) in ACCOUNTS.items():
            services.add_member(project=project, user=users[username], role=role)
        return project

    def ensure_document(self, project, owner) -> Document:
        data = services.DocumentInput(
            title=STORY_TITLE,
            text=DEMO_TEXT.read_text(encoding="utf-8"),
            publisher="KCTV/AP",
            published_at=datetime(2019, 7, 24, 12, 0),
            language="en",
        )
        try:
            return services.import_document(project=project, data=data, created_by=owner)
        except services.DocumentImportError as error:
            if error.code == "duplicate" and error.document is not None:
                return error.document
            raise CommandError(f"Cannot import the demo story: {error}") from error

    def ensure_annotation(self, document, spec: DemoAnnotation, users) -> bool:
        """Create the annotation unless this annotator already has it; True if created."""
        start = document.text.find(spec.phrase)
        if start < 0:
            raise CommandError(f"The demo story no longer contains {spec.phrase[:40]!r}…")
        end = start + len(spec.phrase)
        sentence = Sentence.objects.filter(
            document=document, start__lte=start, end__gt=start
        ).first()
        if sentence is None:
            raise CommandError(f"No sentence holds {spec.phrase[:40]!r}…")
        # If segmentation ever splits the phrase, annotate from its start to the sentence end.
        end = min(end, sentence.end)
        annotator = users[spec.annotator]
        if Annotation.objects.filter(
            sentence=sentence, start=start, end=end, annotator=annotator
        ).exists():
            return False
        annotation = services.create_annotation(
            user=annotator,
            sentence=sentence,
            claim_type=document.project.claim_types.get(slug=spec.claim_type),
            start=start,
            end=end,
            verification_status=spec.status,
            rationale=spec.rationale,
            sources=spec.sources,
        )
        if spec.review is not None:
            decision, comment = spec.review
            services.review_annotation(
                user=users["reviewer"], annotation=annotation, decision=decision, comment=comment
            )
        return True

    def print_summary(self, project, document, created, passwords) -> None:
        base = settings.FACTCHECK_PUBLIC_URL.rstrip("/")
        total = document.annotations.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo project {project.name!r} (slug {project.slug!r}): document "
                f"{document.pk} with {document.sentences.count()} sentences, {total} "
                f"annotations ({created} new)."
            )
        )
        self.stdout.write("Demo accounts (passwords are new on every run; demo only):")
        for username, (role, is_staff, is_superuser) in ACCOUNTS.items():
            access = "superuser" if is_superuser else "staff" if is_staff else "no admin"
            self.stdout.write(
                f"  {username:<10} password {passwords[username]}  ({role.label}, {access})"
            )
        self.stdout.write(f"App:   {base}/")
        self.stdout.write(f"Admin: {base}{reverse('admin:index')}")
        for label, name in (
            ("Document", "admin:annotations_document_change"),
            ("Annotations", "admin:annotations_annotation_changelist"),
        ):
            try:
                args = [document.pk] if name.endswith("_change") else []
                self.stdout.write(f"{label + ':':<6} {base}{reverse(name, args=args)}")
            except NoReverseMatch:
                continue
