"""``manage.py export_annotations``: the HTTP export, from the command line.

Same formats, filters and output as ``GET /api/v1/export/annotations``. Without ``--user``
it exports every project, as the operator; with it, only what that user may see.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework import exceptions

from annotations.api.export import ExportParamsSerializer, export_stream
from annotations.exporters import DEFAULT_FORMAT, EXPORTERS

# Command-line option → query parameter of the HTTP export.
FILTER_OPTIONS = {
    "project": "project",
    "document": "document",
    "claim_type_slug": "claim_type_slug",
    "verification_status": "verification_status",
    "review_state": "review_state",
    "annotator_id": "annotator",
    "updated_since": "updated_since",
}


class Command(BaseCommand):
    help = "Export annotations as json, jsonl, csv, claimreview or w3c (see the README)."

    def add_arguments(self, parser):
        parser.add_argument("--format", default=DEFAULT_FORMAT, choices=sorted(EXPORTERS))
        parser.add_argument("--project", help="Project slug or id.")
        parser.add_argument("--document", help="Document id.")
        parser.add_argument("--claim-type", dest="claim_type_slug", help="Claim type slug.")
        parser.add_argument(
            "--status",
            "--verification-status",
            dest="verification_status",
            help="Verification status(es), comma-separated, e.g. true,false.",
        )
        parser.add_argument(
            "--review-state", help="Review state(s), comma-separated, e.g. approved."
        )
        parser.add_argument("--annotator-id", help="Only this annotator's annotations (user id).")
        parser.add_argument(
            "--updated-since", help="ISO 8601 date-time; only annotations changed since then."
        )
        parser.add_argument("--user", help="Export only what this username may see.")
        parser.add_argument("-o", "--output", help="Write to this file instead of stdout.")
        parser.add_argument("--chunk-size", type=int, help="Annotations fetched per query.")

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}.")
        params = {"format": options["format"]}
        params.update(
            {
                param: options[option]
                for option, param in FILTER_OPTIONS.items()
                if options[option] is not None
            }
        )
        serializer = ExportParamsSerializer(data=params)
        if not serializer.is_valid():
            problems = "; ".join(
                f"{name}: {' '.join(map(str, errors))}"
                for name, errors in serializer.errors.items()
            )
            raise CommandError(problems)
        try:
            filters = serializer.to_filters(user)
        except exceptions.NotFound as exc:
            raise CommandError(str(exc.detail)) from exc
        exporter = EXPORTERS[options["format"]]()
        _, chunks = export_stream(exporter, user, filters, chunk_size=options["chunk_size"])
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as out:
                for chunk in chunks:
                    out.write(chunk)
            self.stderr.write(f"Wrote {options['format']} export to {options['output']}")
        else:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
