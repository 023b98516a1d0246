"""The services tests' team, for the fuzz tests too."""

from tests.integration.services.conftest import new_team, team

__all__ = ["new_team", "team"]
