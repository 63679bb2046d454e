"""How far annotators agree: Krippendorff's alpha, Cohen's kappa and span F1.

``figures`` is pure (plain rows in, a JSON-ready dict out), ``coefficients`` holds the
formulas, ``selectors`` reads the rows. The README's *Agreement* section explains every
figure and rule.
"""

from annotations.agreement.figures import (
    VERDICT_SCALE,
    AnnotationRow,
    Basis,
    CodedDocument,
    compute_agreement,
    main_annotations,
    with_all_annotators,
    with_annotators,
)
from annotations.agreement.selectors import agreement_for, agreement_rows, coded_documents

__all__ = [
    "VERDICT_SCALE",
    "AnnotationRow",
    "Basis",
    "CodedDocument",
    "agreement_for",
    "agreement_rows",
    "coded_documents",
    "compute_agreement",
    "main_annotations",
    "with_all_annotators",
    "with_annotators",
]
