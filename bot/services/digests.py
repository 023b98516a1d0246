"""Each salesperson's book added up once per digest run, from the facts kept with every
customer: a team's digest is composed from its members' sums, a head of sales' from everyone
under them, and no customer is read twice however many digests a run builds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.services.decisions import refresh_customers
from nudges.digest import OwnerAggregate
from nudges.model import Person
from nudges.policy import Policy
from storage import SqlUnitOfWork
from storage.repositories.digest_sql import Window

REFRESH_BATCH = 500

Reach = Mapping[int, tuple[int, int]]  # per owner: customers an offer reaches, and pitched


class DigestBooks:
    """The books of one run: a scheduled round of digests (``shared``: each book kept with its
    own worst accounts, to compose every team from), or one digest asked for (only the worst
    accounts of that one team are read)."""

    def __init__(self, *, now: datetime, policy: Policy, shared: bool = True) -> None:
        self.shared = shared
        period = timedelta(days=policy.digest_period_days)
        self.now = now
        self.policy = policy
        self.window = Window(
            now=now,
            period_start=now - period,
            previous_start=now - 2 * period,
            concentration_share=policy.concentration_share,
            limit=policy.digest_list_limit,
        )
        self._books: dict[int, OwnerAggregate] = {}
        self._offers: dict[int, list[Reach]] = {}

    def of(self, uow: SqlUnitOfWork, team: Sequence[Person]) -> dict[int, OwnerAggregate]:
        """The team's books, read the first time a member is asked for."""
        missing = sorted({p.id for p in team} - set(self._books))
        if missing and self._books and not self.shared:
            raise ValueError("one digest's books are not another team's")
        if missing:
            self._decide_new(uow, missing)
            reaches = [
                reach
                for workspace in sorted({p.workspace_id for p in team})
                for reach in self._live_offers(uow, workspace)
            ]
            reached: dict[int, tuple[int, int]] = {}  # every live offer's reach, by owner
            for reach in reaches:
                for owner, (eligible, pitched) in reach.items():
                    before = reached.get(owner, (0, 0))
                    reached[owner] = (before[0] + eligible, before[1] + pitched)
            found = uow.digests.owner_aggregates(missing, self.window, each=self.shared)
            for owner in missing:
                book = found.get(owner) or OwnerAggregate(owner)
                if owner in reached:  # most owners' books have no offer to pitch
                    eligible, pitched = reached[owner]
                    book = replace(book, offers_eligible=eligible, offers_pitched=pitched)
                self._books[owner] = book
        return {p.id: self._books[p.id] for p in team}

    def _decide_new(self, uow: SqlUnitOfWork, owners: Sequence[int]) -> None:
        """Customers due since the last sweep (added, imported, edited) are decided now, as
        the sweep would a few minutes later, so the digest counts them as they are."""
        if uow.read_only:
            return
        undecided = uow.digests.undecided(owners, now=self.now)
        for start in range(0, len(undecided), REFRESH_BATCH):
            refresh_customers(
                uow, undecided[start : start + REFRESH_BATCH], now=self.now, policy=self.policy
            )

    def _live_offers(self, uow: SqlUnitOfWork, workspace_id: int) -> list[Reach]:
        """Per live offer of the workspace, whom it reaches: read once per run."""
        if workspace_id not in self._offers:
            self._offers[workspace_id] = [
                uow.digests.offer_reach(offer, self.policy)
                for offer in uow.offers.live(on=self.now.date())
                if offer.workspace_id == workspace_id
            ]
        return self._offers[workspace_id]
