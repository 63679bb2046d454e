"""History rows written by the database itself, the same rows simple-history records.

Building one historical instance per row in Python costs more than the INSERT itself; an
``INSERT … SELECT`` lets the database copy the tracked columns of the rows just written
(from the table, or from a data-modifying CTE's ``RETURNING``) into the history table.
"""

from django.db import connection

# The columns simple-history adds to every history row, in the order of the parameters of
# ``history_insert_sql``: when, the reason (None for none), "+"/"~"/"-", and who.
HISTORY_EXTRA_COLUMNS = (
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
)


def tracked_columns(model) -> list[str]:
    """The quoted columns of ``model`` that its history table copies."""
    quote = connection.ops.quote_name
    return [quote(field.column) for field in model.history.model.tracked_fields]


def history_insert_sql(model, source: str) -> str:
    """``INSERT INTO <history of model> (…) SELECT <tracked columns>, %s, %s, %s, %s FROM source``.

    ``source`` is SQL naming rows with the model's columns: ``"table" WHERE …`` or the name
    of a CTE. The four parameters are ``HISTORY_EXTRA_COLUMNS``; only names from the models
    are interpolated, every value is a parameter.
    """
    quote = connection.ops.quote_name
    copied = tracked_columns(model)
    columns = ", ".join(copied + [quote(name) for name in HISTORY_EXTRA_COLUMNS])
    history_table = quote(model.history.model._meta.db_table)
    return (
        f"INSERT INTO {history_table} ({columns}) "  # noqa: S608
        f"SELECT {', '.join(copied)}, %s, %s, %s, %s FROM {source}"
    )
