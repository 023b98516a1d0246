"""The Teams app package: its files, its manifest against Microsoft's schema, and its icons."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bot.commands import COMMANDS as GRAMMAR
from bot.commands import entries_for
from bot.teams import icons
from bot.teams.package import (
    COMMANDS,
    MAX_COMMAND_DESCRIPTION,
    MAX_COMMAND_TITLE,
    MAX_COMMANDS,
    Developer,
    PackageError,
    build_manifest,
    build_package,
    describe,
)

SCHEMA_FILE = (
    Path(__file__).parents[2] / "fixtures" / "schemas" / "MicrosoftTeams.v1.22.schema.json"
)
APP_ID = "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b"
MAIN_COMMANDS = {
    "help",
    "touch",
    "quiet",
    "nudges",
    "snooze",
    "done",
    "digest",
    "customer",
    "health",
    "me",
}


# --- helpers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Image:
    width: int
    height: int
    pixels: list[tuple[int, int, int, int]]  # RGBA, row by row


def read_png(data: bytes) -> Image:
    """A small PNG reader for what the encoder writes: 8-bit RGBA, filter 0, no interlace."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    chunks: list[tuple[bytes, bytes]] = []
    offset = 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, f"bad CRC in {kind!r}"
        chunks.append((kind, body))
        offset += 12 + length
    assert chunks[0][0] == b"IHDR"
    assert chunks[-1] == (b"IEND", b"")
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", chunks[0][1]
    )
    assert (depth, colour, compression, filtering, interlace) == (8, 6, 0, 0, 0)
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride = 1 + width * 4
    assert len(raw) == stride * height
    pixels: list[tuple[int, int, int, int]] = []
    for row in range(height):
        line = raw[row * stride : (row + 1) * stride]
        assert line[0] == 0, "every scanline uses filter 0"
        pixels += [(line[i], line[i + 1], line[i + 2], line[i + 3]) for i in range(1, stride, 4)]
    return Image(width, height, pixels)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(loaded)
    return loaded


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return build_package(app_id=APP_ID, out=tmp_path / "nudgebot-teams.zip")


def manifest_of(package: Path) -> dict[str, Any]:
    with zipfile.ZipFile(package) as archive:
        loaded: dict[str, Any] = json.loads(archive.read("manifest.json"))
    return loaded


def icon_of(package: Path, name: str) -> Image:
    with zipfile.ZipFile(package) as archive:
        return read_png(archive.read(name))


def validation_errors(schema: dict[str, Any], manifest: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(manifest)]


# --- the zip ---------------------------------------------------------------------------------


def test_the_package_holds_exactly_the_manifest_and_two_icons_at_its_root(package: Path) -> None:
    with zipfile.ZipFile(package) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        assert archive.testzip() is None


def test_build_package_returns_the_path_it_wrote(tmp_path: Path) -> None:
    out = tmp_path / "nested" / "teams.zip"

    written = build_package(app_id=APP_ID, out=out)

    assert written == out
    assert zipfile.is_zipfile(out)


def test_a_directory_as_out_gets_the_default_file_name(tmp_path: Path) -> None:
    written = build_package(app_id=APP_ID, out=tmp_path)

    assert written == tmp_path / "nudgebot-teams.zip"
    assert zipfile.is_zipfile(written)


def test_the_same_inputs_give_the_same_bytes(tmp_path: Path) -> None:
    first = build_package(app_id=APP_ID, out=tmp_path / "a.zip", version="1.2.3")
    second = build_package(app_id=APP_ID, out=tmp_path / "b.zip", version="1.2.3")

    assert first.read_bytes() == second.read_bytes()


# --- the manifest ----------------------------------------------------------------------------


def test_the_manifest_validates_against_the_v1_22_schema(
    package: Path, schema: dict[str, Any]
) -> None:
    assert validation_errors(schema, manifest_of(package)) == []


def test_a_manifest_with_every_option_set_validates_too(
    tmp_path: Path, schema: dict[str, Any]
) -> None:
    developer = Developer(
        name="Acme Sales Tools",
        website_url="https://tools.acme.test",
        privacy_url="https://tools.acme.test/privacy",
        terms_of_use_url="https://tools.acme.test/terms",
    )
    package = build_package(
        app_id=APP_ID,
        out=tmp_path / "acme.zip",
        name="Acme nudges",
        version="2.10.0",
        developer=developer,
        valid_domains=["nudgebot.acme.test", "*.acme.test"],
    )

    manifest = manifest_of(package)

    assert validation_errors(schema, manifest) == []
    assert manifest["version"] == "2.10.0"
    assert manifest["name"]["short"] == "Acme nudges"
    assert manifest["developer"] == {
        "name": "Acme Sales Tools",
        "websiteUrl": "https://tools.acme.test",
        "privacyUrl": "https://tools.acme.test/privacy",
        "termsOfUseUrl": "https://tools.acme.test/terms",
    }
    assert manifest["validDomains"] == ["nudgebot.acme.test", "*.acme.test"]


def test_the_manifest_declares_schema_1_22(package: Path) -> None:
    manifest = manifest_of(package)

    assert manifest["manifestVersion"] == "1.22"
    assert manifest["$schema"].endswith("/teams/v1.22/MicrosoftTeams.schema.json")
    assert manifest["$schema"].startswith("https://")


def test_the_app_and_its_bot_both_carry_the_app_id(package: Path) -> None:
    manifest = manifest_of(package)

    assert manifest["id"] == APP_ID
    assert [bot["botId"] for bot in manifest["bots"]] == [APP_ID]


def test_the_bot_talks_in_personal_chats_and_posts_digests_in_team_channels(
    package: Path,
) -> None:
    (bot,) = manifest_of(package)["bots"]

    assert bot["scopes"] == ["personal", "team"]
    assert bot["supportsFiles"] is False
    assert bot["isNotificationOnly"] is False
    assert [commands["scopes"] for commands in bot["commandLists"]] == [["personal"], ["team"]]
    team_titles = [c["title"] for c in bot["commandLists"][1]["commands"]]
    assert team_titles == ["digest channel", "digest channel off"]
    assert "webApplicationInfo" not in manifest_of(package)


def test_an_app_id_uri_adds_web_application_info_and_its_domain(
    tmp_path: Path, schema: dict[str, Any]
) -> None:
    uri = f"api://nudgebot.acme.test/{APP_ID}"
    manifest = manifest_of(build_package(app_id=APP_ID, out=tmp_path, app_id_uri=uri))

    assert validation_errors(schema, manifest) == []
    assert manifest["webApplicationInfo"] == {"id": APP_ID, "resource": uri}
    assert manifest["validDomains"] == ["nudgebot.acme.test"]
    bot_uri = f"api://botid-{APP_ID}"
    manifest = build_manifest(app_id=APP_ID, app_id_uri=bot_uri)
    assert manifest["webApplicationInfo"]["resource"] == bot_uri
    assert manifest["validDomains"] == []


@pytest.mark.parametrize("uri", ["https://nudgebot.acme.test", "api://", "api://has space/x"])
def test_an_app_id_uri_that_is_not_one_is_refused(uri: str) -> None:
    with pytest.raises(PackageError, match="Application ID URI"):
        build_manifest(app_id=APP_ID, app_id_uri=uri)


def test_the_manifest_asks_for_identity_and_messaging_team_members(package: Path) -> None:
    manifest = manifest_of(package)

    assert manifest["permissions"] == ["identity", "messageTeamMembers"]
    assert manifest["validDomains"] == []


def test_the_manifest_points_at_the_icons_in_the_zip(package: Path) -> None:
    manifest = manifest_of(package)

    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert manifest["accentColor"] == icons.accent_hex()


def test_the_description_says_what_the_bot_does(package: Path) -> None:
    description = manifest_of(package)["description"]

    assert "customer relationships warm" in description["short"]
    assert "touch <customer>" in description["full"]


def test_the_default_developer_links_are_https_example_urls(package: Path) -> None:
    developer = manifest_of(package)["developer"]

    for key in ("websiteUrl", "privacyUrl", "termsOfUseUrl"):
        assert developer[key].startswith("https://nudgebot.example.com")


# --- the app id and other inputs -------------------------------------------------------------


@pytest.mark.parametrize(
    "app_id",
    [
        "nudgebot",
        "",
        "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4",  # one digit short
        "6f1c2b3a4d5e4f608a7b9c0d1e2f3a4b",  # no dashes
        "{6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b}",
        "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3g4b",  # 'g' is no hex digit
        "28:6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b",  # the bot's channel account id, not the app id
        "00000000-0000-0000-0000-000000000000",
    ],
)
def test_an_app_id_that_is_not_a_guid_is_refused_with_its_value_named(
    tmp_path: Path, app_id: str
) -> None:
    out = tmp_path / "teams.zip"

    with pytest.raises(PackageError) as refused:
        build_package(app_id=app_id, out=out)

    message = str(refused.value)
    assert repr(app_id) in message
    assert "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" in message
    assert not out.exists()


def test_an_upper_case_app_id_is_accepted_and_written_in_lower_case() -> None:
    manifest = build_manifest(app_id=" " + APP_ID.upper() + "\n")

    assert manifest["id"] == APP_ID
    assert manifest["bots"][0]["botId"] == APP_ID


@pytest.mark.parametrize("version", ["1.0", "1.0.0-beta", "v1.0.0", "01.0.0", "1.0.0.0"])
def test_a_version_other_than_major_minor_patch_is_refused(version: str) -> None:
    with pytest.raises(PackageError, match=r"MAJOR\.MINOR\.PATCH"):
        build_manifest(app_id=APP_ID, version=version)


def test_the_default_version_is_major_minor_patch() -> None:
    version = build_manifest(app_id=APP_ID)["version"]

    assert [part.isdigit() for part in version.split(".")] == [True, True, True]


@pytest.mark.parametrize("domain", ["https://nudgebot.example.com", "example.com/path", "local"])
def test_a_valid_domain_with_a_scheme_or_path_is_refused(domain: str) -> None:
    with pytest.raises(PackageError, match="not a host name"):
        build_manifest(app_id=APP_ID, valid_domains=[domain])


def test_more_than_sixteen_valid_domains_are_refused() -> None:
    domains = [f"host{n}.example.com" for n in range(17)]

    with pytest.raises(PackageError, match="at most 16"):
        build_manifest(app_id=APP_ID, valid_domains=domains)


def test_a_plain_http_developer_url_is_refused() -> None:
    developer = Developer(privacy_url="http://nudgebot.example.com/privacy")

    with pytest.raises(PackageError, match="privacy URL"):
        build_manifest(app_id=APP_ID, developer=developer)


@pytest.mark.parametrize("name", ["", "   ", "n" * 31])
def test_an_empty_or_too_long_app_name_is_refused(name: str) -> None:
    with pytest.raises(PackageError, match="1 to 30 characters"):
        build_manifest(app_id=APP_ID, name=name)


# --- the command list ------------------------------------------------------------------------


def test_the_command_list_holds_the_main_commands_of_the_grammar(package: Path) -> None:
    (bot,) = manifest_of(package)["bots"]
    command_list, _ = bot["commandLists"]
    grammar_words = {path.split()[0] for path in GRAMMAR}

    titles = [command["title"] for command in command_list["commands"]]

    assert set(titles) == MAIN_COMMANDS
    assert len(titles) == len(MAIN_COMMANDS)
    assert set(titles) <= grammar_words
    for title in titles:
        assert entries_for(title), f"the grammar's help knows no {title!r}"


def test_touch_is_described_with_its_usage() -> None:
    touch = next(command for command in COMMANDS if command.title == "touch")

    assert touch.description == "touch <customer> [ritual] [-- note]: log a touchpoint"


def test_every_command_fits_teams_limits_and_starts_with_its_own_usage() -> None:
    assert len(COMMANDS) <= MAX_COMMANDS
    for command in COMMANDS:
        assert 0 < len(command.title) <= MAX_COMMAND_TITLE
        assert 0 < len(command.description) <= MAX_COMMAND_DESCRIPTION
        assert command.description.startswith(
            command.title + " "
        ) or command.description.startswith(command.title + ":")


# --- the icons -------------------------------------------------------------------------------


def test_the_color_icon_is_a_192_pixel_square_png(package: Path) -> None:
    image = icon_of(package, "color.png")

    assert (image.width, image.height) == (192, 192)


def test_the_color_icon_is_opaque_and_in_full_colour(package: Path) -> None:
    image = icon_of(package, "color.png")

    assert {alpha for *_, alpha in image.pixels} == {255}
    colours = {pixel[:3] for pixel in image.pixels}
    assert icons.ACCENT in colours
    assert icons.HEART in colours
    assert icons.WHITE in colours


def test_the_outline_icon_is_a_32_pixel_square_png(package: Path) -> None:
    image = icon_of(package, "outline.png")

    assert (image.width, image.height) == (32, 32)


def test_the_outline_icon_is_only_white_or_fully_transparent(package: Path) -> None:
    image = icon_of(package, "outline.png")

    assert all(alpha == 0 or (r, g, b) == (255, 255, 255) for r, g, b, alpha in image.pixels)
    alphas = [alpha for *_, alpha in image.pixels]
    assert alphas.count(0) > len(alphas) // 2, "mostly transparent"
    assert alphas.count(255) > 0, "some pixels are opaque white"


def test_the_outline_icon_leaves_its_corners_transparent(package: Path) -> None:
    image = icon_of(package, "outline.png")

    corners = [image.pixels[0], image.pixels[31], image.pixels[-32], image.pixels[-1]]
    assert [alpha for *_, alpha in corners] == [0, 0, 0, 0]


# --- the summary -----------------------------------------------------------------------------


def test_describe_names_the_file_the_app_id_and_how_to_upload_it(package: Path) -> None:
    summary = describe(package)

    assert str(package) in summary
    assert APP_ID in summary
    assert "Apps > Manage your apps > Upload an app" in summary
    assert "\n" not in summary
