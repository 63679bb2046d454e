"""``import_annotations --from doccano|label-studio``: other tools' exports into a project."""

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import messages, services
from annotations.models import Annotation, ClaimType, Document, Membership, Project, Role
from tests.factories import UserFactory, make_document

DATA = Path(__file__).parent / "data" / "migration"


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_annotations", *map(str, args), stdout=out)
    return out.getvalue()


def run_failing(*args) -> str:
    with pytest.raises(CommandError) as error:
        call_command("import_annotations", *map(str, args), stdout=io.StringIO())
    return str(error.value)


def doccano_zip(tmp_path, **members: str) -> Path:
    """The zip doccano's download gives: one USERNAME.jsonl per member."""
    path = tmp_path / "doccano-export.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for username, text in members.items():
            archive.writestr(f"{username}.jsonl", text)
    return path


def zip_members() -> dict[str, str]:
    return {p.stem: p.read_text() for p in sorted((DATA / "doccano-zip").glob("*.jsonl"))}


def quotes(project) -> list[tuple[str, str, str]]:
    return sorted(
        (a.quote, a.claim_type.slug, a.annotator.username)
        for a in Annotation.objects.filter(project=project).select_related(
            "claim_type", "annotator"
        )
    )


def utf16_slice(text: str, start: int, end: int) -> str:
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


# --- doccano ------------------------------------------------------------------------------


def test_doccano_spans_keep_the_text_doccano_showed_after_accents_and_an_emoji(project, owner):
    run(DATA / "doccano.jsonl", "--from", "doccano", "--project", project.slug)

    first = json.loads((DATA / "doccano.jsonl").read_text().splitlines()[0])
    shown = sorted(utf16_slice(first["text"], s, e) for s, e, _ in first["label"])
    document = Document.objects.get(project=project, text=first["text"])
    assert sorted(document.annotations.values_list("quote", flat=True)) == shown
    assert document.title == first["text"]  # the first line, up to 80 characters
    for annotation in document.annotations.all():
        assert document.text[annotation.start : annotation.end] == annotation.quote
        assert annotation.sentence.start <= annotation.start < annotation.end
        assert annotation.end <= annotation.sentence.end


def test_doccano_summary_counts_documents_annotations_and_skips_by_reason(project, owner):
    output = run(DATA / "doccano.jsonl", "--from", "doccano", "--project", project.slug)
    assert output.splitlines()[-6:] == [
        "Documents: 3 imported, 0 already in the project, 0 repeated in the file "
        "(same text: not imported again, annotations added to the one document).",
        "Annotations: 4 imported.",
        "Claim types created: 1 (person).",
        "Records skipped: 2 (not a valid record: 1; no text: 1).",
        "Spans and annotations skipped: 2 (crosses a sentence boundary: 1; "
        "the span holds only whitespace: 1).",
        f"Imported doccano.jsonl into {project.slug!r}.",
    ]


def test_a_span_across_sentences_is_reported_with_its_record_and_offsets_not_clipped(
    project, owner
):
    output = run(DATA / "doccano.jsonl", "--from", "doccano", "--project", project.slug)
    assert (
        "doccano.jsonl line 2 (id 2): skipped span [7, 18, 'Statistic'] 'rose. Wages', "
        "over sentences 0 to 1 (crosses a sentence boundary)"
    ) in output
    prices = Document.objects.get(project=project, text="Prices rose. Wages fell.")
    assert not prices.annotations.exists()


def test_records_without_text_and_broken_lines_are_reported(project, owner):
    output = run(DATA / "doccano.jsonl", "--from", "doccano", "--project", project.slug)
    assert "doccano.jsonl line 3 (id 3): skipped (no text): no 'text'" in output
    assert "doccano.jsonl line 5: skipped (not a valid record): not valid JSON" in output


def test_whitespace_at_a_spans_edges_is_trimmed_to_the_sentence(project, owner):
    output = run(DATA / "doccano.jsonl", "--from", "doccano", "--project", project.slug)
    council = Document.objects.get(project=project, text="The council met. It voted.")
    annotation = council.annotations.get()
    assert (annotation.start, annotation.end, annotation.quote) == (0, 16, "The council met.")
    assert annotation.covers_whole_sentence
    assert "skipped span [16, 17, 'Event'] (the span holds only whitespace)" in output


def test_labels_become_claim_types_reusing_slugs_and_new_ones_get_a_free_colour_and_key(
    project, owner
):
    before = {ct.slug: (ct.color, ct.shortcut) for ct in project.claim_types.all()}
    run(DATA / "doccano.jsonl", "--from", "doccano", "--project", project.slug)

    assert quotes(project) == [
        ("The council met.", "event", "olivia"),
        ("The mayor denied it.", "quote", "olivia"),
        ("Zoë Müller", "person", "olivia"),
        ("the tax rose 5%", "statistic", "olivia"),
    ]
    person = ClaimType.objects.get(project=project, slug="person")
    assert person.name == "PERSON"
    assert person.description == "Imported from the doccano label 'PERSON'."
    assert person.color not in {color for color, _ in before.values()}
    assert person.shortcut == "9"  # the defaults hold 1 to 8
    assert project.claim_types.count() == len(before) + 1


def test_labels_without_latin_letters_get_a_numbered_slug_and_keep_their_name(
    project, owner, tmp_path
):
    path = tmp_path / "zh.jsonl"
    path.write_text(json.dumps({"text": "王小明说了。", "label": [[0, 3, "人名"]]}) + "\n")
    run(path, "--from", "doccano", "--project", project.slug)
    run(path, "--from", "doccano", "--project", project.slug, "--annotator", "rita")
    claim_type = ClaimType.objects.get(project=project, name="人名")
    assert claim_type.slug == "label-1"
    assert quotes(project) == [("王小明", "label-1", "olivia"), ("王小明", "label-1", "rita")]


def test_doccano_relations_export_with_entity_objects(project, owner):
    run(DATA / "doccano-relations.jsonl", "--from", "doccano", "--project", project.slug)
    assert [q for q, _, _ in quotes(project)] == ["Ständerat", "Ünal Öz"]


def test_carriage_returns_before_a_span_do_not_shift_it(project, owner, tmp_path):
    text = "\ufeffFirst line.\r\nSecond line names Zoë.\r\nThird."
    start = text.index("Zoë")
    path = tmp_path / "crlf.jsonl"
    path.write_text(json.dumps({"text": text, "label": [[start, start + 3, "PERSON"]]}) + "\n")
    run(path, "--from", "doccano", "--project", project.slug)
    assert [q for q, _, _ in quotes(project)] == ["Zoë"]


# --- the doccano zip: one file per annotator ----------------------------------------------


def test_doccano_zip_attributes_each_file_to_its_user_and_shares_the_documents(
    project, owner, annotator, tmp_path
):
    admin = UserFactory(username="admin")
    output = run(
        doccano_zip(tmp_path, **zip_members()), "--from", "doccano", "--project", project.slug
    )

    assert Document.objects.filter(project=project).count() == 2  # both files hold both texts
    assert quotes(project) == [
        ("turnout hit 71%", "statistic", "admin"),
        ("turnout hit 71%", "statistic", "anna"),
        ("Élodie Marchand", "person", "anna"),
    ]
    assert Membership.objects.get(project=project, user=admin).role == Role.ANNOTATOR
    assert "Members added as annotators: 1 (admin)." in output
    assert "Documents: 2 imported, 0 already in the project, 2 repeated in the file" in output
    story = Document.objects.get(project=project, text__startswith="Élodie")
    assert (
        f"anna.jsonl line 1 (id 1): same text as admin.jsonl line 1 (id 1) (document {story.pk}); "
        "its annotations are added to it"
    ) in output


def test_users_the_zip_names_but_factcheck_lacks_fall_back_to_the_annotator_option(
    project, owner, reviewer, tmp_path
):
    path = doccano_zip(tmp_path, ghost=zip_members()["admin"])
    output = run(path, "--from", "doccano", "--project", project.slug, "--annotator", "rita")
    assert quotes(project) == [("turnout hit 71%", "statistic", "rita")]
    assert "Users named in the file but not found, attributed to rita: ghost (1)." in output


def test_importing_the_same_export_twice_adds_nothing(project, owner, annotator, tmp_path):
    UserFactory(username="admin")
    path = doccano_zip(tmp_path, **zip_members())
    run(path, "--from", "doccano", "--project", project.slug)
    again = run(path, "--from", "doccano", "--project", project.slug)

    assert Document.objects.filter(project=project).count() == 2
    assert Annotation.objects.filter(project=project).count() == 3
    assert "Documents: 0 imported, 2 already in the project, 2 repeated in the file" in again
    assert "Annotations: 0 imported." in again
    assert "the same span by the same annotator is already there: 3" in again
    assert "admin.jsonl line 1 (id 1): same text as document" in again


def test_a_document_already_in_the_project_gets_the_annotations_not_a_copy(project, owner):
    existing = make_document(project, text="Prices rose. Wages fell.", title="Prices")
    output = run(DATA / "doccano.jsonl", "--from", "doccano", "--project", project.slug)
    assert Document.objects.filter(project=project, text=existing.text).count() == 1
    assert (
        f"doccano.jsonl line 2 (id 2): same text as document {existing.pk} ('Prices'), "
        "already in the project; its annotations are added to it"
    ) in output
    assert "Documents: 2 imported, 1 already in the project" in output


# --- Label Studio --------------------------------------------------------------------------


def test_label_studio_export_with_completing_users_cancelled_and_mismatched_regions(
    project, owner, annotator
):
    output = run(DATA / "label-studio.json", "--from", "label-studio", "--project", project.slug)

    assert quotes(project) == [
        ("Mr Smith", "person", "olivia"),  # completed by nobody@example.org, unknown here
        ("Søren Ås", "person", "anna"),  # anna@example.org
        ("fares fell 10%", "statistic", "anna"),
    ]
    assert Document.objects.get(project=project, title="Ferry fares")
    assert "task 1 (id 101): skipped annotation 2 (1 region(s)) (annotation cancelled" in output
    assert "Records skipped: 1 (no text: 1)." in output
    assert (
        "Spans and annotations skipped: 4 (annotation cancelled in the source tool: 1; "
        "crosses a sentence boundary: 1; not a text span: 1; "
        "the span's text does not match the text at its offsets: 1)."
    ) in output
    assert "attributed to olivia: nobody@example.org (1)." in output
    assert "Documents: 3 imported" in output


def test_label_studio_text_under_another_key(project, owner):
    run(
        DATA / "label-studio.json",
        "--from", "label-studio", "--project", project.slug, "--text-key", "body",
    )  # fmt: skip
    assert Document.objects.filter(project=project, text="No text key here.").exists()


def test_imported_annotations_have_history_by_their_annotator(project, owner, annotator):
    run(DATA / "label-studio.json", "--from", "label-studio", "--project", project.slug)
    annotation = Annotation.objects.get(project=project, quote="Søren Ås")
    assert [(h.history_type, h.history_user) for h in annotation.history.all()] == [
        ("+", annotator)
    ]
    assert annotation.review_state == "pending"
    assert annotation.verification_status == "unverified"


# --- all or nothing ------------------------------------------------------------------------


def test_a_file_that_cannot_be_read_creates_nothing_not_even_the_project(tmp_path, owner):
    path = tmp_path / "export.json"
    path.write_text('[{"data": {"text": "A."}}, ')
    error = run_failing(
        path, "--from", "label-studio", "--project", "new", "--create-project",
        "--annotator", "olivia",
    )  # fmt: skip
    assert error.startswith(f"Cannot import {path}: The file is not valid JSON")
    assert not Project.objects.filter(slug="new").exists()


def test_an_import_stopped_halfway_leaves_no_half_project(db, tmp_path):
    """No --annotator and a new project without owner: the first span stops it all."""
    error = run_failing(
        DATA / "doccano.jsonl", "--from", "doccano", "--project", "fresh", "--create-project"
    )
    assert error == (
        messages.MIGRATION_NO_ANNOTATOR.format(slug="fresh") + " Nothing was imported."
    )
    assert not Project.objects.filter(slug="fresh").exists()
    assert not Document.objects.exists()
    assert not ClaimType.objects.exists()


def test_create_project_makes_the_annotator_its_owner(reviewer):
    run(
        DATA / "doccano.jsonl",
        "--from", "doccano", "--project", "from-doccano", "--create-project",
        "--annotator", "rita",
    )  # fmt: skip
    project = Project.objects.get(slug="from-doccano")
    assert project.name == "From Doccano"
    assert Membership.objects.get(project=project, user=reviewer).role == Role.OWNER
    assert len(quotes(project)) == 4


def test_dry_run_reports_everything_and_saves_nothing(project, owner):
    output = run(
        DATA / "doccano.jsonl", "--from", "doccano", "--project", project.slug, "--dry-run"
    )
    assert "Annotations: 4 imported." in output
    assert output.rstrip().endswith("Dry run: nothing was saved.")
    assert not Document.objects.filter(project=project).exists()
    assert not ClaimType.objects.filter(project=project, slug="person").exists()


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--from", "doccano"], messages.MIGRATION_NEEDS_PROJECT.format(tool="doccano")),
        (
            ["--project", "x"],
            messages.MIGRATION_OPTION_NOT_FOR.format(option="--project", tool="a json export"),
        ),
        (
            ["--from", "label-studio", "--project", "x", "--offsets", "utf-16"],
            messages.MIGRATION_OPTION_NOT_FOR.format(option="--offsets", tool="label-studio"),
        ),
        (
            ["--from", "doccano", "--project", "x", "--text-key", "body"],
            messages.MIGRATION_OPTION_NOT_FOR.format(option="--text-key", tool="doccano"),
        ),
        (
            ["--from", "doccano", "--project", "nope"],
            "No project with slug 'nope'; pass --create-project to create it.",
        ),
    ],
)
def test_option_mistakes_are_refused_before_anything_is_written(db, args, error):
    assert run_failing(DATA / "doccano.jsonl", *args) == error
    assert not Document.objects.exists()


def test_an_unknown_annotator_option_is_refused(project):
    error = run_failing(
        DATA / "doccano.jsonl", "--from", "doccano", "--project", project.slug, "--annotator", "zed"
    )
    assert error == messages.MIGRATION_UNKNOWN_USER.format(username="zed")
    assert not Document.objects.filter(project=project).exists()


def test_each_span_costs_only_the_annotation_services_own_queries(project, owner, tmp_path):
    """Sentences, claim types and users are looked up once per import, not once per span."""
    text = " ".join(f"Sentence number {n} is here." for n in range(12))
    costs = []
    for count in (2, 6):
        spans = []
        for n in range(count):
            start = text.index(f"number {n} ")
            spans.append([start, start + len(f"number {n}"), "Statistic"])
        path = tmp_path / f"{count}.jsonl"
        path.write_text(json.dumps({"text": f"{text} ({count})", "label": spans}) + "\n")
        with CaptureQueriesContext(connection) as queries:
            run(path, "--from", "doccano", "--project", project.slug)
        costs.append(len(queries))

    document = make_document(project, text=text)
    sentence = document.sentences.get(index=0)
    statistic = project.claim_types.get(slug="statistic")
    with CaptureQueriesContext(connection) as service:
        services.create_annotation(user=owner, sentence=sentence, claim_type=statistic)
    assert (costs[1] - costs[0]) == 4 * len(service)


def test_map_label_puts_spans_under_a_chosen_existing_claim_type(project, owner):
    output = run(
        DATA / "doccano.jsonl",
        "--from", "doccano", "--project", project.slug,
        "--map-label", "PERSON=quote", "--map-label", "Event=opinion",
    )  # fmt: skip
    assert quotes(project) == [
        ("The council met.", "opinion", "olivia"),
        ("The mayor denied it.", "quote", "olivia"),
        ("Zoë Müller", "quote", "olivia"),
        ("the tax rose 5%", "statistic", "olivia"),
    ]
    assert "Claim types created: 0." in output


def test_map_label_onto_a_claim_type_the_project_lacks_is_refused(project, owner):
    message = run_failing(
        DATA / "doccano.jsonl", "--from", "doccano", "--project", project.slug,
        "--map-label", "PERSON=nope",
    )  # fmt: skip
    unknown = messages.MIGRATION_UNKNOWN_CLAIM_TYPE.format(project=project.slug, slug="nope")
    assert message == f"{unknown} Nothing was imported."
    assert not Document.objects.filter(project=project).exists()


def test_map_label_without_a_slug_is_refused(project, owner):
    message = run_failing(
        DATA / "doccano.jsonl", "--from", "doccano", "--project", project.slug,
        "--map-label", "PERSON",
    )  # fmt: skip
    assert message == messages.MIGRATION_BAD_LABEL_MAP.format(value="PERSON")


def test_a_record_the_document_import_refuses_is_reported_with_its_reason(project, owner, tmp_path):
    path = tmp_path / "blank.jsonl"
    path.write_text('{"id": 9, "text": "  \\n ", "label": [[0, 1, "X"]]}\n')
    output = run(path, "--from", "doccano", "--project", project.slug)
    assert (
        f"blank.jsonl line 1 (id 9): skipped (the document could not be imported): "
        f"{messages.EMPTY_TEXT}"
    ) in output
    assert "Records skipped: 1 (the document could not be imported: 1)." in output
