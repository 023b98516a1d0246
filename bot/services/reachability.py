"""Who in a workspace the bot can reach: a platform that says the app was removed (or its
token revoked) makes everyone there unreachable; installing it again makes them reachable."""

from __future__ import annotations

from dataclasses import replace

from bot.services.context import Deps
from nudges.model import Platform


def set_reachable(
    deps: Deps,
    *,
    platform: Platform,
    team_id: str,
    reachable: bool,
    user_ids: set[str] | None = None,
) -> list[str]:
    """Mark the workspace's people (or only ``user_ids``) reachable or not; returns the
    platform ids of those whose mark changed."""
    changed: list[str] = []
    with deps.uow() as uow:
        workspace = uow.workspaces.find(platform=platform, external_id=team_id)
        if workspace is None:
            return []
        for person in uow.people.in_workspace(workspace.id):
            wanted = user_ids is None or person.platform_user_id in user_ids
            if wanted and person.unreachable == reachable:
                uow.people.update(replace(person, unreachable=not reachable))
                changed.append(person.platform_user_id)
        uow.commit()
    return changed
