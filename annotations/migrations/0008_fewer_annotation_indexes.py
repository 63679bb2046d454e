"""Cheaper annotation saves: eleven indexes fewer to write per annotation and its history row.

The annotation's project, document, sentence and annotator each had an index of their own
that a composite index already starts with (by status/review, by document, the unique span,
by annotator). History rows had one per copied foreign key, though history is only read by
annotation id, by date and by user. Both are changed in the state and dropped by hand:
Django would rebuild the tables on SQLite and re-validate the foreign keys on PostgreSQL.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# (table, column, the name Django gave its index: the same on every database)
DROPPED = [
    ("annotations_annotation", "annotator_id", "annotations_annotation_annotator_id_82f398bc"),
    ("annotations_annotation", "document_id", "annotations_annotation_document_id_28063560"),
    ("annotations_annotation", "project_id", "annotations_annotation_project_id_9c63b7ba"),
    ("annotations_annotation", "sentence_id", "annotations_annotation_sentence_id_a15f95c4"),
    *(
        (
            "annotations_historicalannotation",
            column,
            f"annotations_historicalannotation_{column}_{h}",
        )
        for column, h in [
            ("annotator_id", "3edb650d"),
            ("claim_id", "f385278d"),
            ("claim_type_id", "5952545b"),
            ("document_id", "d8e5a50c"),
            ("project_id", "963c0d03"),
            ("reviewed_by_id", "0a4c9e84"),
            ("sentence_id", "5e2f3f04"),
        ]
    ),
]


def _history_fk(to, **extra):
    return models.ForeignKey(
        blank=True,
        db_constraint=False,
        db_index=False,
        null=True,
        on_delete=django.db.models.deletion.DO_NOTHING,
        related_name="+",
        to=to,
        **extra,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0007_import_storage"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="annotation",
                    name="annotator",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="annotations",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="annotation",
                    name="document",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="annotations",
                        to="annotations.document",
                    ),
                ),
                migrations.AlterField(
                    model_name="annotation",
                    name="project",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="annotations",
                        to="annotations.project",
                    ),
                ),
                migrations.AlterField(
                    model_name="annotation",
                    name="sentence",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="annotations",
                        to="annotations.sentence",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalannotation",
                    name="annotator",
                    field=_history_fk(settings.AUTH_USER_MODEL),
                ),
                migrations.AlterField(
                    model_name="historicalannotation",
                    name="claim",
                    field=_history_fk(
                        "annotations.claim",
                        help_text="The claim this annotation is an appearance of, if it repeats one.",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalannotation",
                    name="claim_type",
                    field=_history_fk("annotations.claimtype"),
                ),
                migrations.AlterField(
                    model_name="historicalannotation",
                    name="document",
                    field=_history_fk("annotations.document"),
                ),
                migrations.AlterField(
                    model_name="historicalannotation",
                    name="project",
                    field=_history_fk("annotations.project"),
                ),
                migrations.AlterField(
                    model_name="historicalannotation",
                    name="reviewed_by",
                    field=_history_fk(settings.AUTH_USER_MODEL),
                ),
                migrations.AlterField(
                    model_name="historicalannotation",
                    name="sentence",
                    field=_history_fk("annotations.sentence"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "{table}" ("{column}")',
                )
                for table, column, name in DROPPED
            ],
        ),
    ]
