"""The workspace's ES modules: how the page loads them and how production serves them.

With ``DEBUG=0`` collectstatic gives every file a hashed name that WhiteNoise caches
forever, so each module's relative imports must be rewritten to the hashed names too, or a
deploy would leave browsers with a mix of old and new modules.
"""

import re

import pytest
from django.urls import reverse

from tests.production_static import (
    PRODUCTION_STORAGE,
    WORKSPACE,
    WORKSPACE_PREFIX,
    collect_static,
    module_names,
    specifiers,
)
from tests.test_settings import manage, production_env

RELATIVE = re.compile(r"^\./[a-z_]+\.js$")
# Any static import, with or without the semicolon that collectstatic's rewrite requires.
ANY_IMPORT = re.compile(r"""^(?:(?:import|export)\s[^;]*?\bfrom|import)\s*["']([^"']+)["']""", re.M)


def imports_of(name: str) -> list[str]:
    return specifiers((WORKSPACE / name).read_text())


def test_production_settings_use_the_storage_that_rewrites_module_imports(tmp_path):
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])",
        env=production_env(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == PRODUCTION_STORAGE


def test_modules_import_siblings_by_relative_path_without_cycles_and_all_are_used():
    graph = {name: imports_of(name) for name in module_names()}
    for name, imports in graph.items():
        source = (WORKSPACE / name).read_text()
        assert ANY_IMPORT.findall(source) == imports, f"{name}: end every import with ;"
        bad = [spec for spec in imports if not RELATIVE.match(spec)]
        assert not bad, f"{name}: imports must be ./name.js (collectstatic rewrites only those)"
        assert all(spec[2:] in graph for spec in imports), f"{name} imports a missing module"

    reached, path = set(), []

    def visit(name):
        assert name not in path, f"import cycle: {' -> '.join([*path, name])}"
        if name in reached:
            return
        path.append(name)
        for spec in graph[name]:
            visit(spec[2:])
        path.pop()
        reached.add(name)

    visit("main.js")
    assert reached == set(graph), f"modules main.js never loads: {set(graph) - reached}"


def test_collectstatic_rewrites_every_module_import_to_its_hashed_file(tmp_path, settings):
    manifest = collect_static(settings, tmp_path)
    for name in module_names():
        collected = tmp_path / manifest[WORKSPACE_PREFIX + name]
        assert collected.name != name
        rewritten = specifiers(collected.read_text())
        expected = [
            "./" + manifest[WORKSPACE_PREFIX + spec[2:]].removeprefix(WORKSPACE_PREFIX)
            for spec in imports_of(name)
        ]
        assert rewritten == expected, f"{name}: imports not rewritten to hashed names"
        assert all((collected.parent / spec).is_file() for spec in rewritten)


@pytest.mark.django_db
def test_workspace_preloads_every_module_and_runs_main_as_its_only_script(
    client, annotator, document
):
    client.force_login(annotator)
    html = client.get(reverse("annotate", args=[document.pk])).content.decode()
    static = "/static/" + WORKSPACE_PREFIX
    preloaded = re.findall(rf'<link rel="modulepreload" href="{static}([a-z_]+\.js)">', html)
    assert sorted(preloaded) == module_names()
    assert re.findall(r"<script\b[^>]*>", html) == [
        '<script id="workspace-data" type="application/json">',
        f'<script type="module" src="{static}main.js">',
    ]
