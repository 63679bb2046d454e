"""The static files storage used with ``DEBUG=0``."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class CompressedManifestStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's hashed, compressed files, with ES module imports rewritten too.

    The workspace script is native ES modules that import each other by relative path
    (``import { api } from "./api.js";``). Django rewrites those paths to the hashed names
    only when ``support_js_module_import_aggregation`` is on; without it a hashed module
    would import the unhashed files, which WhiteNoise does not cache forever and which go
    stale after a deploy. The rewrite needs each import to end with ``;`` and the module
    graph to have no cycles (collectstatic fails otherwise); ``tests/test_static_files.py``
    checks both.
    """

    support_js_module_import_aggregation = True
