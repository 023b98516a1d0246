"""The Microsoft Teams app package: ``manifest.json`` and two icons, zipped.

Teams installs a bot from this zip (Apps > Manage your apps > Upload an app). The three files sit
at the root of the zip. The manifest uses schema version 1.22: the newest one whose JSON schema
Python's ``jsonschema`` can check (later ones use ``\\p{L}`` patterns that ``re`` rejects).

Each salesperson talks to the bot one to one in a personal chat, and it messages them there.
It can also be added to a team, where a manager mentions it in a channel (``digest channel``) to
have their weekly team digest posted there; nothing else is answered in a channel. The command
lists are what Teams suggests as you type; every command of the grammar still works in the
personal chat, the list just holds the ten most used (Teams shows at most ten).

With ``app_id_uri`` (the Entra app's Application ID URI, ``api://…``) the manifest carries
``webApplicationInfo``, so Teams can hand the app a token for its users (single sign-on).
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.teams import icons

MANIFEST_VERSION = "1.22"
SCHEMA_URL = (
    "https://developer.microsoft.com/en-us/json-schemas/teams/"
    f"v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
)
DEFAULT_OUT = Path("nudgebot-teams.zip")
MANIFEST_FILE = "manifest.json"
COLOR_FILE = "color.png"
OUTLINE_FILE = "outline.png"

# Teams' limits (schema v1.22, plus the documented limits the schema does not enforce)
MAX_SHORT_NAME = 30
MAX_DEVELOPER_NAME = 32
MAX_COMMANDS = 10
MAX_COMMAND_TITLE = 32
MAX_COMMAND_DESCRIPTION = 128
MAX_VALID_DOMAINS = 16

_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_SEMVER = re.compile(r"(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)")
_DOMAIN = re.compile(
    r"(?:\*\.)?(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(?::[0-9]{1,5})?"
)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same inputs give the same bytes

EXAMPLE_SITE = "https://nudgebot.example.com"

SHORT_DESCRIPTION = "Nudges you to keep your customer relationships warm."
FULL_DESCRIPTION = (
    "nudgebot keeps the rituals of commercial relationships for every salesperson. It reminds "
    "you to check in with each customer at the cadence their tier deserves, and tells you which "
    "relationships have gone quiet. It remembers birthdays, anniversaries and renewals, suggests "
    "a card when a contact is ill or bereaved, and lets existing customers hear of new offers "
    "before they go public. Log a touchpoint with 'touch <customer>', see your open nudges with "
    "'nudges', snooze or finish them, and get a daily digest for you or your team. "
    "Type 'help' for every command."
)


class PackageError(ValueError):
    """An input that would produce a package Teams rejects; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Developer:
    """Who publishes the app; Teams shows these on the app's details page."""

    name: str = "nudgebot"
    website_url: str = EXAMPLE_SITE
    privacy_url: str = f"{EXAMPLE_SITE}/privacy"
    terms_of_use_url: str = f"{EXAMPLE_SITE}/terms"


@dataclass(frozen=True, slots=True)
class BotCommand:
    title: str  # the command's first word(s), as typed
    description: str  # its usage and what it does


COMMANDS: tuple[BotCommand, ...] = (
    BotCommand("help", "help [command]: every command, or one command's usage and examples"),
    BotCommand("touch", "touch <customer> [ritual] [-- note]: log a touchpoint"),
    BotCommand("quiet", "quiet: your relationships that have gone quiet, worst first"),
    BotCommand("nudges", "nudges: your open nudges"),
    BotCommand("snooze", "snooze <customer> <3d|2w|date> [-- reason]: snooze a customer's nudges"),
    BotCommand("done", "done <customer>: mark a customer's current nudges done"),
    BotCommand("digest", "digest [@user|team]: your digest, a colleague's or your team's"),
    BotCommand(
        "customer", "customer add|edit|show|list|archive|assign <customer>: manage customers"
    ),
    BotCommand("health", "health <customer>: how a relationship is doing"),
    BotCommand("me", "me [tz=...] [hour=...] [days=...] [cap=...]: show or change your settings"),
)
TEAM_COMMANDS: tuple[BotCommand, ...] = (
    BotCommand("digest channel", "digest channel: post your weekly team digest in this channel"),
    BotCommand("digest channel off", "digest channel off: stop posting it here"),
)
MAX_RESOURCE = 2048
_APP_ID_URI = re.compile(r"api://(?:(?P<host>[^\s/]+\.[^\s/]+)/)?[^\s]+")


def default_version() -> str:
    """The installed nudgebot's version when it is plain ``X.Y.Z`` (what Teams takes), else 1.0.0.

    Teams only replaces an uploaded app with a higher version, so upgrading nudgebot and building
    a new package is enough to update it.
    """
    try:
        installed = importlib.metadata.version("nudgebot")
    except importlib.metadata.PackageNotFoundError:
        return "1.0.0"
    return installed if _SEMVER.fullmatch(installed) else "1.0.0"


def check_app_id(app_id: str) -> str:
    """The app id, lower-cased, if it is a GUID; Teams uses the bot's Microsoft App ID for both."""
    candidate = app_id.strip()
    if not _GUID.fullmatch(candidate):
        raise PackageError(
            f"The app id {app_id!r} is not a GUID. Use the bot's Microsoft App ID (the Azure Bot "
            "resource's client id), written xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx with hex digits."
        )
    if set(candidate) <= {"0", "-"}:
        raise PackageError(
            f"The app id {app_id!r} is the all-zero GUID, a placeholder. Use the bot's Microsoft "
            "App ID, written xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx with hex digits."
        )
    return candidate.lower()


def _check_version(version: str) -> str:
    if not _SEMVER.fullmatch(version):
        raise PackageError(
            f"The app version {version!r} is not MAJOR.MINOR.PATCH (for example 1.4.0); "
            "Teams takes three numbers and nothing else."
        )
    return version


def _check_name(name: str) -> str:
    stripped = name.strip()
    if not stripped or len(stripped) > MAX_SHORT_NAME:
        raise PackageError(
            f"The app name {name!r} must have 1 to {MAX_SHORT_NAME} characters "
            f"(it has {len(stripped)})."
        )
    return stripped


def _check_developer(developer: Developer) -> Developer:
    if not developer.name.strip() or len(developer.name) > MAX_DEVELOPER_NAME:
        raise PackageError(
            f"The developer name {developer.name!r} must have 1 to {MAX_DEVELOPER_NAME} characters."
        )
    for label, url in (
        ("website", developer.website_url),
        ("privacy", developer.privacy_url),
        ("terms of use", developer.terms_of_use_url),
    ):
        if not re.fullmatch(r"https://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?", url):
            raise PackageError(f"The developer's {label} URL {url!r} must be an https:// URL.")
    return developer


def _check_domains(valid_domains: Iterable[str]) -> list[str]:
    domains = list(dict.fromkeys(d.strip().lower() for d in valid_domains))
    for domain in domains:
        if not _DOMAIN.fullmatch(domain):
            raise PackageError(
                f"The valid domain {domain!r} is not a host name: give it without a scheme or "
                "path, for example nudgebot.example.com or *.example.com."
            )
    if len(domains) > MAX_VALID_DOMAINS:
        raise PackageError(
            f"Teams takes at most {MAX_VALID_DOMAINS} valid domains, not {len(domains)}."
        )
    return domains


def _check_app_id_uri(uri: str) -> str:
    stripped = uri.strip()
    if not _APP_ID_URI.fullmatch(stripped) or len(stripped) > MAX_RESOURCE:
        raise PackageError(
            f"The app id URI {uri!r} is not an Application ID URI: copy it from the Entra app's "
            "Expose an API page, for example api://nudgebot.example.com/<app id> or "
            "api://botid-<app id>."
        )
    return stripped


def _uri_domain(uri: str) -> list[str]:
    found = _APP_ID_URI.fullmatch(uri)
    host = found.group("host") if found else None
    return [host] if host else []


def _commands(commands: Iterable[BotCommand]) -> list[dict[str, str]]:
    return [{"title": c.title, "description": c.description} for c in commands]


def build_manifest(
    *,
    app_id: str,
    name: str = "nudgebot",
    version: str | None = None,
    developer: Developer = Developer(),  # frozen: sharing the default is safe
    valid_domains: Iterable[str] = (),
    app_id_uri: str | None = None,
) -> dict[str, Any]:
    """The ``manifest.json`` content, checked against Teams' rules; :class:`PackageError` if not."""
    bot_id = check_app_id(app_id)
    short_name = _check_name(name)
    checked = _check_developer(developer)
    resource = _check_app_id_uri(app_id_uri) if app_id_uri else None
    manifest = {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": _check_version(default_version() if version is None else version),
        "id": bot_id,
        "developer": {
            "name": checked.name,
            "websiteUrl": checked.website_url,
            "privacyUrl": checked.privacy_url,
            "termsOfUseUrl": checked.terms_of_use_url,
        },
        "name": {"short": short_name, "full": f"{short_name}: relationship nudges"},
        "description": {"short": SHORT_DESCRIPTION, "full": FULL_DESCRIPTION},
        "icons": {"color": COLOR_FILE, "outline": OUTLINE_FILE},
        "accentColor": icons.accent_hex(),
        "bots": [
            {
                "botId": bot_id,
                "scopes": ["personal", "team"],
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [
                    {"scopes": ["personal"], "commands": _commands(COMMANDS)},
                    {"scopes": ["team"], "commands": _commands(TEAM_COMMANDS)},
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": _check_domains(
            [*valid_domains, *(_uri_domain(resource) if resource else [])]
        ),
    }
    if resource:
        manifest["webApplicationInfo"] = {"id": bot_id, "resource": resource}
    return manifest


def build_package(
    *,
    app_id: str,
    out: Path,
    name: str = "nudgebot",
    version: str | None = None,
    developer: Developer = Developer(),  # frozen: sharing the default is safe
    valid_domains: Iterable[str] = (),
    app_id_uri: str | None = None,
) -> Path:
    """Write the Teams app package to ``out`` and return its path.

    ``out`` may be an existing directory: the package is then ``nudgebot-teams.zip`` inside it.
    Missing parent directories are created. The same inputs always give the same bytes.
    Raises :class:`PackageError` (nothing is written) when an input would make Teams refuse it.
    """
    manifest = build_manifest(
        app_id=app_id,
        name=name,
        version=version,
        developer=developer,
        valid_domains=valid_domains,
        app_id_uri=app_id_uri,
    )
    target = out / DEFAULT_OUT.name if out.is_dir() else out
    target.parent.mkdir(parents=True, exist_ok=True)
    files = {
        MANIFEST_FILE: (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode(),
        COLOR_FILE: icons.color_icon(),
        OUTLINE_FILE: icons.outline_icon(),
    }
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for filename, data in files.items():
            info = zipfile.ZipInfo(filename, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return target


def describe(path: Path) -> str:
    """One paragraph: what the package at ``path`` holds, and how to install it in Teams."""
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read(MANIFEST_FILE))
    bot = manifest["bots"][0]
    commands = ", ".join(c["title"] for c in bot["commandLists"][0]["commands"])
    placeholder = EXAMPLE_SITE in json.dumps(manifest["developer"])
    return (
        f"Wrote {path}: the Teams app package for {manifest['name']['short']!r} "
        f"version {manifest['version']} (manifest {manifest['manifestVersion']}, "
        f"{MANIFEST_FILE} with {COLOR_FILE} and {OUTLINE_FILE}), a bot for personal chats "
        f"(and team channels, for digests) with Microsoft App ID {bot['botId']} suggesting the "
        f"commands {commands}. "
        + (
            f"Its developer links are placeholders ({EXAMPLE_SITE}): give --developer-name, "
            "--website, --privacy-url and --terms-url before publishing it to your "
            "organisation. "
            if placeholder
            else ""
        )
        + "Next: point the Azure Bot's messaging endpoint at https://<your host>/api/messages and "
        "enable its Microsoft Teams channel; then in Teams open Apps > Manage your apps > "
        "Upload an app > Upload a custom app and choose this file (or have a Teams admin upload "
        "it for the organisation in the Teams admin center, under Teams apps > Manage apps). "
        "To update the app later, build it again with a higher version and upload it the same way."
    )
