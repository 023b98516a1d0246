"""`nudgebot teams-package` as an admin runs it: a subprocess writing the zip."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

APP_ID = "6f1c3a52-8d0e-4b7a-9c41-2e5d7f90ab13"
SCRIPT = Path(sys.executable).with_name("nudgebot")  # the console script pip installed


def nudgebot(*args: str) -> list[str]:
    if SCRIPT.exists():
        return [str(SCRIPT), *args]
    return [sys.executable, "-m", "bot.cli", *args]  # a checkout without the script


def test_the_cli_writes_a_package_with_the_app_id_in_its_manifest(tmp_path: Path) -> None:
    out = tmp_path / "teams.zip"
    done = subprocess.run(
        nudgebot("teams-package", "--app-id", APP_ID, "--out", str(out)),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(package.read("manifest.json"))
    assert manifest["id"] == APP_ID
    assert manifest["bots"][0]["botId"] == APP_ID


def test_the_cli_refuses_an_app_id_that_is_not_a_guid(tmp_path: Path) -> None:
    done = subprocess.run(
        nudgebot("teams-package", "--app-id", "not-a-guid"),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode != 0
    assert not list(tmp_path.glob("*.zip"))


def test_the_cli_takes_the_developer_links_and_the_app_id_uri(tmp_path: Path) -> None:
    out = tmp_path / "acme.zip"
    done = subprocess.run(
        nudgebot(
            "teams-package",
            "--app-id",
            APP_ID,
            "--out",
            str(out),
            "--developer-name",
            "Acme Sales Tools",
            "--website",
            "https://tools.acme.test",
            "--privacy-url",
            "https://tools.acme.test/privacy",
            "--terms-url",
            "https://tools.acme.test/terms",
            "--app-id-uri",
            f"api://tools.acme.test/{APP_ID}",
        ),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as package:
        manifest = json.loads(package.read("manifest.json"))
    assert manifest["developer"] == {
        "name": "Acme Sales Tools",
        "websiteUrl": "https://tools.acme.test",
        "privacyUrl": "https://tools.acme.test/privacy",
        "termsOfUseUrl": "https://tools.acme.test/terms",
    }
    assert manifest["webApplicationInfo"] == {
        "id": APP_ID,
        "resource": f"api://tools.acme.test/{APP_ID}",
    }
    assert "placeholders" not in done.stdout


def test_the_cli_says_when_the_developer_links_are_placeholders(tmp_path: Path) -> None:
    done = subprocess.run(
        nudgebot("teams-package", "--app-id", APP_ID),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "placeholders" in done.stdout and "--privacy-url" in done.stdout


def test_the_cli_refuses_a_plain_http_website(tmp_path: Path) -> None:
    done = subprocess.run(
        nudgebot("teams-package", "--app-id", APP_ID, "--website", "http://acme.test"),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 2
    assert "website URL 'http://acme.test' must be an https:// URL" in done.stderr
    assert not list(tmp_path.glob("*.zip"))
