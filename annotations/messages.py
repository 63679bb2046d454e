"""Error messages users see, written once; tests assert them."""

SPAN_OUTSIDE = "The span must lie inside the sentence, with start before end."
CLAIM_TYPE_OTHER_PROJECT = "This claim type belongs to another project."
CLAIM_OTHER_PROJECT = "This claim belongs to another project."
CLAIM_TEXT_EMPTY = "A claim needs its wording."
CLAIM_VERSION_CONFLICT = "Someone else changed this claim meanwhile; reload it and try again."
CLAIM_GONE = "This claim has been deleted."
CANNOT_EDIT_CLAIM = "Only reviewers and owners of the project may change or merge claims."
CANNOT_LINK_ANNOTATION = "You may not change annotation {id}, so you cannot link it to a claim."
CLAIM_ANNOTATION_OTHER_PROJECT = "Annotation {id} is not in the claim's project."
CLAIM_MERGE_ITSELF = "A claim cannot be merged into itself."
CLAIM_MERGE_OTHER_PROJECT = "Only claims of the same project can be merged."
CLAIM_MERGE_TOO_FEW = "Select at least two claims to merge."
CLAIM_MERGED = "Merged {count} claim(s) into “{claim}”."
COPY_VERDICT_NO_CLAIM = "This annotation is not linked to a claim; link it first."
COPY_VERDICT_UNCHECKED = "The claim has no verdict yet to copy."
SENTENCE_OTHER_PROJECT = "This sentence is not in the project."
SIMILAR_TEXT_OR_SENTENCE = "Give either text or sentence, not both and not neither."
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
LAST_OWNER_OF = (
    "Deleting {users} would leave the project {project!r} without an owner. Make another "
    "member an owner first."
)
CANNOT_CREATE_PROJECT = (
    "Only administrators (or holders of annotations.add_project) may create projects."
)
CANNOT_MANAGE_PROJECT = "Only owners of the project may change it and its claim types."
CANNOT_DELETE_PROJECT = "Only superusers may delete a project; it deletes all its work."
SLUG_EMPTY = "Give a slug (letters, digits, hyphens); none could be made from the name."
CLAIM_TYPE_SLUG_TAKEN = "Another claim type of this project ({name!r}) has the slug {slug!r}."
SHORTCUT_TAKEN = "The shortcut {shortcut!r} is already used by {name!r} in this project."
ONE_DEFAULT_CLAIM_TYPE = "Only one claim type of a project can be the default."
CLAIM_TYPE_SLUG_REPEATED = "Two claim types of this project have the same slug."
SHORTCUT_REPEATED = "Two claim types of this project have the same shortcut."
CLAIM_TYPE_IN_USE = (
    "{count} annotation(s) use this claim type; give them another claim type before deleting it."
)
CLAIM_TYPE_ORDER = "List the id of every claim type of the project exactly once."
NO_SUCH_USER = "No active user is called {value!r}."
ALREADY_A_MEMBER = "{user} is already a member of this project ({role}); change their role instead."

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
UNREADABLE_JSON = "The file cannot be imported: {error}"
UNREADABLE_JSON_LINE = "Line {line} cannot be imported: {error}"
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

# Signing in (annotations/login_limits.py): the API, the login page and the admin's.
TOO_MANY_LOGIN_ATTEMPTS = "Too many failed sign-in attempts for this username or from your address."
LOGIN_RETRY_AFTER = "Try again in {seconds} seconds."

# Browser pages
TEXT_OR_FILE = "Paste the text or upload a file (one of the two)."

# The HTTP API (annotations/api/).
UNKNOWN_FIELD = "Unknown field."
EXPECTED_STRING = "Expected a string."
EXPECTED_INTEGER = "Expected an integer."
EXPECTED_BOOLEAN = "Expected true or false."
READ_ONLY_FIELD = "This field is set by the server and cannot be written."
UNKNOWN_QUERY_PARAMETER = "Unknown query parameter."
NUL_IN_PARAMETER = "The value contains a NUL character."
EMPTY_QUERY_PARAMETER = "Give a value, or leave the parameter out."
REPEATED_QUERY_PARAMETER = "Give this parameter once (several values: separate them by commas)."
BAD_PAGE_SIZE = "A page size is a whole number from 1 to {max}."
API_NOT_FOUND = "Not found."
URI_TOO_LONG = "The URL is longer than {limit} characters; send fewer or shorter parameters."
API_CSRF_FAILED = "CSRF check failed: {reason}. Send the X-CSRFToken header, or use a token."
BAD_ORDERING = "Cannot order by {fields}; use one of {allowed} (prefix - for descending)."
IF_MATCH_REQUIRED = (
    'This request needs an If-Match header with the version from the ETag, e.g. If-Match: "3".'
)
IF_MATCH_MALFORMED = (
    'If-Match must be * or a comma-separated list of entity-tags, e.g. "3" or "3", W/"4".'
)
ANNOTATION_GONE = "This annotation was deleted meanwhile."
BODY_TOO_LARGE = "The request body is larger than the limit of {limit} bytes."
EMPTY_BODY = "The request body is empty; send a JSON object."
# Request bodies that no JSON client means to send (annotations/api/parsers.py).
JSON_NOT_UTF8 = "The body is not valid UTF-8 (byte {position}); JSON must be sent as UTF-8."
JSON_MALFORMED = "The body is not valid JSON: {error} (line {line}, column {column})."
JSON_TOO_DEEP = "The JSON body is nested more than {limit} levels deep."
JSON_NOT_A_NUMBER = "{literal} is not a JSON number; send a finite number or null."
JSON_NUMBER_TOO_LARGE = "The number {literal} is too large; numbers must fit in 64 bits."
JSON_DUPLICATE_KEY = "The key {key} appears twice in one JSON object."
JSON_LONE_SURROGATE = (
    "The JSON body holds an unpaired surrogate escape ({escape}), which is not a character."
)
UNSUPPORTED_MEDIA_TYPE = "Cannot read a body of type {media_type!r}; send {accepted}."
API_TEXT_OR_FILE = "Send either the text (with a title) or a file, not both."
BULK_TOO_MANY = "Send at most {limit} annotations per request; split larger batches."
BULK_EMPTY = "Send at least one annotation."
ONE_DOCUMENT_PER_UPLOAD = "The file holds {count} documents; upload one per request."
BATCH_SIZE = "A batch import holds from 1 to {limit} documents."

# The export (annotations/api/export.py, the export/import commands).
EXPORT_BAD_CHOICE = "Unknown value {value!r}; use one or more of {allowed}, separated by commas."
EXPORT_NO_SUCH_PROJECT = "No project {key!r} among your projects."
EXPORT_NO_SUCH_DOCUMENT = "No document {key} in your projects."
DATABASE_BUSY = "The database is busy with another change; retry in a moment."

# Agreement (annotations/api/agreement_views.py).
CANNOT_SEE_AGREEMENT = "Only reviewers and owners of the project may see agreement figures."
DOCUMENT_NOT_IN_PROJECT = "Document {document} is not in project {project}."
# Importing other tools' exports (annotations/migration_formats/, annotations/migration.py).
# Why a record or a span was left out: the summary counts them by these reasons.
MIGRATION_SKIP_REASONS = {
    "malformed_record": "not a valid record",
    "no_text": "no text",
    "not_imported": "the document could not be imported",
    "cancelled": "annotation cancelled in the source tool",
    "not_a_span": "not a text span",
    "bad_span": "offsets missing, reversed or outside the text",
    "text_mismatch": "the span's text does not match the text at its offsets",
    "whitespace_only": "the span holds only whitespace",
    "crosses_sentences": "crosses a sentence boundary",
    "already_present": "the same span by the same annotator is already there",
    "extra_label": "a further label on the same span (the first one is imported)",
    "invalid_annotation": "refused by the annotation rules",
}
MIGRATION_NOT_ZIP_OF_JSONL = (
    "The zip file holds no .jsonl files (doccano's export has one per user)."
)
MIGRATION_NOT_JSONL = "not a JSON object"
MIGRATION_BAD_JSON_LINE = "not valid JSON: {error} (column {column})"
MIGRATION_NOT_TASK_LIST = "A Label Studio JSON export is a list of tasks (objects with 'data')."
MIGRATION_NO_RECORDS = "The file holds no records."
MIGRATION_TOO_LARGE = "{name} is larger than the limit of {limit} bytes."
MIGRATION_NO_ANNOTATOR = (
    "Pass --annotator USERNAME: annotations the file does not attribute to a known user "
    "need an annotator, and project {slug!r} has no owner to default to."
)
MIGRATION_UNKNOWN_USER = "No user {username!r}."
MIGRATION_UNKNOWN_CLAIM_TYPE = "--map-label: project {project!r} has no claim type {slug!r}."
MIGRATION_BAD_LABEL_MAP = "--map-label takes LABEL=SLUG, e.g. --map-label PER=quote; got {value!r}."
MIGRATION_NEEDS_PROJECT = "--from {tool} needs --project SLUG."
MIGRATION_OPTION_NOT_FOR = "{option} does not apply to {tool}."

# Agreement page and dashboard
CANNOT_SEE_DASHBOARD = "Only reviewers and owners of the project may see its dashboard."
# Assignments (annotations/services/assignments.py, annotations/api/assignment_views.py).
ALREADY_ASSIGNED = "This member is already assigned this document."
CANNOT_ASSIGN = "Only owners of the project may assign documents."
ASSIGNEE_NOT_MEMBER = "User {user} is not a member of project {project!r}."
CANNOT_CHANGE_ASSIGNMENT = (
    "Only the assignee or an owner of the project may change this assignment."
)
CANNOT_CHANGE_DUE = "Only owners of the project may change the due date."
CANNOT_DELETE_ASSIGNMENT = "Only owners of the project may delete assignments."
ASSIGNMENT_MIXED_PROJECTS = "All documents of one request must belong to the same project."
ASSIGNMENT_DOCUMENT_OR_DOCUMENTS = 'Send either "document" or "documents", not both.'
ASSIGNMENT_NO_DOCUMENTS = 'Send "document" (one id) or "documents" (a list of ids).'
ASSIGNMENT_TOO_MANY = "At most {limit} documents per request."
# Adjudication (annotations/services/adjudication.py, its page and API view).
CANNOT_ADJUDICATE = "Only reviewers and owners of the project may adjudicate."
ADJUDICATION_NEEDS_ASSIGNEES = (
    "Adjudication needs at least two assignees who have marked this document done."
)
ADJUDICATION_NO_DISAGREEMENT = "The done assignees agree on this sentence: nothing to settle."
ADJUDICATION_SENTENCE_ELSEWHERE = "Sentence {sentence} is not in this document."
ADJUDICATION_NOT_A_VERSION = (
    "Annotation {annotation} is not a done assignee's annotation of this sentence."
)
ADJUDICATION_ACCEPT_OR_MERGED = (
    'Send either "accept" (an annotation id, or null for no claim) or "merged", not both.'
)
