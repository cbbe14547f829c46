"""The import contracts (pyproject.toml, run by `lint-imports` in `make lint`) see every
app, and protect every app's views, forms and tasks: a new app, or a new views_*.py,
forms_*.py or tasks.py, that the contracts do not name would go unchecked."""

import tomllib
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "importlinter"
]
KINDS = ("views", "forms", "tasks")


def project_apps() -> list[str]:
    """The installed apps whose code is in this repository."""
    return [config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT]


def modules_of_kind(app: str) -> set[str]:
    """The app's views, forms and tasks modules (views.py, views_care.py, …)."""
    found = set()
    for path in (ROOT / app).iterdir():
        name = path.stem if path.suffix == ".py" else path.name
        is_module = path.suffix == ".py" or (path / "__init__.py").exists()
        if is_module and name.split("_")[0] in KINDS:
            found.add(f"{app}.{name}")
    return found


def test_every_app_of_the_project_is_in_the_import_graph():
    assert set(project_apps()) <= set(CONFIG["root_packages"])


def test_every_apps_views_forms_and_tasks_are_protected():
    protected = {
        module
        for contract in CONFIG["contracts"]
        if contract["type"] == "protected"
        for module in contract["protected_modules"]
    }
    for app in project_apps():
        if app == "portal":  # the project: its URLs import every app's views
            continue
        missing = modules_of_kind(app) - protected
        assert not missing, f"not in a protected contract of pyproject.toml: {sorted(missing)}"


def test_every_app_of_the_project_has_its_tests_run():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pytest_options = pyproject["tool"]["pytest"]["ini_options"]
    assert set(project_apps()) <= set(pytest_options["testpaths"])
