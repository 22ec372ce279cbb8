import copy
import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.contrib.auth import get_user_model

from assessments.models import (
    Answer,
    Assessment,
    Citation,
    Evidence,
    Membership,
    Organization,
    Role,
)

# Plain helper modules whose asserts should report like a test's own.
pytest.register_assert_rewrite("tests.bad_input_support")

# Fixtures shared by the view, review, isolation and app server tests.
pytest_plugins = [
    "tests.views_support",
    "tests.review_support",
    "tests.isolation_support",
    "tests.server_support",
]

REPO = Path(__file__).resolve().parent.parent
REAL_FRAMEWORK = REPO / "framework_data" / "t-isc-0028-2023"


def _clause(code: str, **extra: object) -> dict:
    return {
        "code": code,
        "text_zh": f"条款 {code}",
        "text_en": f"Clause {code}",
        **extra,
    }


def _levels(area: str, letters_per_level: int = 2) -> list[dict]:
    levels = []
    for level in range(1, 6):
        first = "a" if level == 1 else "b"
        letters = [chr(ord(first) + i) for i in range(letters_per_level)]
        clauses = [_clause(f"{area}.{level}.{letter}") for letter in letters]
        levels.append({"level": level, "clauses": clauses})
    return levels


SMALL_FRAMEWORK = {
    "code": "T/TEST 0001—2024",
    "title_zh": "测试框架",
    "title_en": "Test framework",
    "publisher_zh": "测试协会",
    "publisher_en": "Test Society",
    "published": datetime.date(2024, 1, 1),
    "implemented": datetime.date(2024, 2, 1),
    "levels": [
        {
            "level": n,
            "ordinal_zh": f"第{'一二三四五'[n - 1]}级",
            "ordinal_en": f"Level {n}",
            "name_zh": f"级{n}",
            "name_en": f"L{n}",
            "characteristic_zh": "特征",
            "characteristic_en": "Characteristic",
            "summary_zh": "说明",
            "summary_en": "Summary",
            "details": [{"zh": "细节", "en": "Detail"}],
        }
        for n in range(1, 6)
    ],
    "objectives": [
        {
            "letter": "a",
            "name_zh": "安全",
            "name_en": "Safe",
            "text_zh": "文",
            "text_en": "T",
        }
    ],
    "modules": [
        {
            "letter": "a",
            "area": "5.2.1",
            "name_zh": "策略",
            "text_zh": "文",
            "text_en": "T",
        },
        {
            "letter": "b",
            "area": "5.2.3",
            "name_zh": "周期",
            "text_zh": "文",
            "text_en": "T",
        },
    ],
    "areas": ["areas/5.2.1.yaml", "areas/5.2.3.yaml", "areas/5.2.3.1.yaml"],
}
SMALL_AREAS = {
    "5.2.1": {
        "code": "5.2.1",
        "parent": None,
        "name_zh": "策略",
        "name_en": "Strategy",
        "levels": _levels("5.2.1"),
    },
    "5.2.3": {"code": "5.2.3", "parent": None, "name_zh": "周期", "name_en": "Cycle"},
    "5.2.3.1": {
        "code": "5.2.3.1",
        "parent": "5.2.3",
        "name_zh": "需求",
        "name_en": "Needs",
        "levels": _levels("5.2.3.1"),
    },
}


def write_framework(folder: Path, framework: dict | None = None, areas=None) -> Path:
    """Write a small framework's data files into folder and return the folder."""
    framework = copy.deepcopy(framework or SMALL_FRAMEWORK)
    areas = copy.deepcopy(areas or SMALL_AREAS)
    (folder / "areas").mkdir(parents=True, exist_ok=True)
    (folder / "framework.yaml").write_text(
        yaml.safe_dump(framework, allow_unicode=True), encoding="utf-8"
    )
    for code, area in areas.items():
        (folder / "areas" / f"{code}.yaml").write_text(
            yaml.safe_dump(area, allow_unicode=True), encoding="utf-8"
        )
    return folder


def write_json(path: Path, document: dict) -> str:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return str(path)


def row_counts() -> tuple[int, ...]:
    """Rows an import writes: equal before and after means nothing was written."""
    return tuple(
        model.objects.count() for model in (Assessment, Answer, Evidence, Citation)
    )


@pytest.fixture
def small_framework_dir(tmp_path: Path) -> Path:
    return write_framework(tmp_path / "small")


@pytest.fixture
def small_framework(db, small_framework_dir: Path):
    from assessments.services.frameworks import load_framework

    return load_framework(small_framework_dir).framework


def make_member(organization: Organization, username: str, role: Role):
    user = get_user_model().objects.create_user(username=username, password="pw")
    Membership.objects.create(organization=organization, user=user, role=role)
    return user


@pytest.fixture
def organization(db) -> Organization:
    return Organization.objects.create(name="甲机构", slug="org-a")


@pytest.fixture
def other_organization(db) -> Organization:
    return Organization.objects.create(name="乙机构", slug="org-b")


@pytest.fixture
def assessor(organization: Organization):
    return make_member(organization, "assessor-a", Role.ASSESSOR)


def run_manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """Run manage.py as a real process, to see its exit status and stderr."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
    )


def assert_one_line_error(result: subprocess.CompletedProcess, message: str) -> None:
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert message in lines[0]
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="session")
def process_database(tmp_path_factory) -> dict[str, str]:
    """A migrated SQLite file with the small framework and the demo organization."""
    folder = tmp_path_factory.mktemp("process-db")
    env = {"DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}", "PATH": ""}
    framework = write_framework(folder / "small")
    for command in (["migrate"], ["load_framework", str(framework)], ["setup_demo"]):
        run_manage(env, *command).check_returncode()
    return env


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Kept on the item so fixtures can tell, at teardown, whether the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop in this thread; the live server's
    # database calls from the test body are safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, request):
    contexts = []

    def new_page():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        return context.new_page()

    yield new_page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for number, context in enumerate(contexts):
            for page in context.pages:
                page.screenshot(path=ARTIFACTS / f"{request.node.name}-{number}.png")
    for context in contexts:
        context.close()
