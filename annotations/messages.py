"""Error messages users see, written once; tests assert them."""

SPAN_OUTSIDE = "The span must lie inside the sentence, with start before end."
CLAIM_TYPE_OTHER_PROJECT = "This claim type belongs to another project."
SOURCE_URL_SCHEME = "Enter an http:// or https:// URL."
DUPLICATE_ANNOTATION = "You have already annotated this exact span."
VERSION_CONFLICT = "Someone else changed this annotation meanwhile; reload it and try again."
NOT_A_MEMBER = "You are not a member of this project."
CANNOT_EDIT = "Only the annotator or a reviewer of the project may change this annotation."
CANNOT_REVIEW = "Only reviewers and owners of the project may review annotations."
CANNOT_ADD_DOCUMENT = "Only owners of the project may add documents."
CANNOT_MANAGE_MEMBERS = "Only owners of the project may change its members."
LAST_OWNER = (
    "A project must keep at least one owner. Make another member an owner first, "
    "then change or remove this one."
)

EMPTY_TEXT = "The document has no text."
NOT_UTF8 = "The file is not valid UTF-8 text."
TOO_LARGE = "The document is larger than the limit of {limit} bytes."
UNSUPPORTED_TYPE = "Unsupported file type {suffix!r}; use .txt, .md, .html, .json or .jsonl."
DUPLICATE_DOCUMENT = "This text is already in the project as document {id} ({title!r})."
MISSING_TITLE = "The document needs a title."

# Reading files for import (annotations/importers.py).
NO_RECORDS = "The file holds no documents."
MALFORMED_JSON = "The file is not valid JSON: {error} (line {line}, column {column})."
MALFORMED_JSON_LINE = "Line {line} is not valid JSON: {error} (column {column})."
JSON_NOT_RECORDS = "A .json file must hold one object or a list of objects with title and text."
RECORD_NOT_OBJECT = "{where} is not a JSON object with title and text."
RECORD_MISSING_FIELD = "{where} has no {field!r}."
RECORD_WRONG_TYPE = "{where}: {field!r} must be a string."
RECORD_BAD_DATE = (
    "{where}: published_at {value!r} is not an ISO date or date-time "
    "(e.g. 2019-07-24 or 2019-07-24T15:30:00Z)."
)
RECORD_BAD_URL = "{where}: url {value!r} is not an http:// or https:// URL."
HTML_NO_ARTICLE = "No article text could be found in the HTML page."
NUL_CHARACTER = "The text contains NUL characters; is this a binary file?"

# Browser pages
TEXT_OR_FILE = "Paste the text or upload a file (one of the two)."

# The HTTP API (annotations/api/).
UNKNOWN_FIELD = "Unknown field."
READ_ONLY_FIELD = "This field is set by the server and cannot be written."
UNKNOWN_QUERY_PARAMETER = "Unknown query parameter."
NUL_IN_PARAMETER = "The value contains a NUL character."
BAD_ORDERING = "Cannot order by {fields}; use one of {allowed} (prefix - for descending)."
IF_MATCH_REQUIRED = (
    'This request needs an If-Match header with the version from the ETag, e.g. If-Match: "3".'
)
IF_MATCH_MALFORMED = 'If-Match must be the annotation\'s ETag, e.g. "3".'
ANNOTATION_GONE = "This annotation was deleted meanwhile."
BODY_TOO_LARGE = "The request body is larger than the limit of {limit} bytes."
API_TEXT_OR_FILE = "Send either the text (with a title) or a file, not both."
ONE_DOCUMENT_PER_UPLOAD = "The file holds {count} documents; upload one per request."
BATCH_SIZE = "A batch import holds from 1 to {limit} documents."

# The export (annotations/api/export.py, the export/import commands).
EXPORT_BAD_CHOICE = "Unknown value {value!r}; use one or more of {allowed}, separated by commas."
EXPORT_NO_SUCH_PROJECT = "No project {key!r} among your projects."
EXPORT_NO_SUCH_DOCUMENT = "No document {key} in your projects."
DATABASE_BUSY = "The database is busy with another change; retry in a moment."
