"""Every write that has a rule. The admin, the API, the pages and the commands call these.

Each service is atomic, checks permission with ``annotations.permissions``, validates with
``full_clean()`` and records history with the acting user. Callers use the names below
(``from annotations import services``); the modules group them by the noun they change.
"""

from annotations.services.annotations import (
    CONTENT_FIELDS,
    REVIEW_DECISIONS,
    SOURCE_FIELDS,
    VersionConflict,
    create_annotation,
    delete_annotation,
    review_annotation,
    set_verification_status,
    update_annotation,
)
from annotations.services.documents import (
    BatchImport,
    BatchImportError,
    DocumentImportError,
    DocumentInput,
    check_size,
    content_hash,
    decode_text,
    import_document,
    import_documents,
    normalize_text,
    prepare_document,
)
from annotations.services.projects import (
    DEFAULT_CLAIM_TYPES,
    add_member,
    change_members,
    change_membership,
    check_keeps_an_owner,
    check_removable,
    create_project,
    remove_member,
    remove_members,
    seed_default_claim_types,
)

__all__ = [
    "CONTENT_FIELDS",
    "DEFAULT_CLAIM_TYPES",
    "REVIEW_DECISIONS",
    "SOURCE_FIELDS",
    "BatchImport",
    "BatchImportError",
    "DocumentImportError",
    "DocumentInput",
    "VersionConflict",
    "add_member",
    "change_members",
    "change_membership",
    "check_keeps_an_owner",
    "check_removable",
    "check_size",
    "content_hash",
    "create_annotation",
    "create_project",
    "decode_text",
    "delete_annotation",
    "import_document",
    "import_documents",
    "normalize_text",
    "prepare_document",
    "remove_member",
    "remove_members",
    "review_annotation",
    "seed_default_claim_types",
    "set_verification_status",
    "update_annotation",
]
