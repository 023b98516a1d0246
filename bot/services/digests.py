"""Each salesperson's book added up once per digest run, from the facts kept with every
customer: a team's digest is composed from its members' sums, a head of sales' from everyone
under them, and no customer is read twice however many digests a run builds."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from bot.services.decisions import refresh_customers
from nudges.digest import OwnerAggregate
from nudges.model import Person, PitchState
from nudges.offers import audience
from nudges.policy import Policy
from storage import SqlUnitOfWork
from storage.repositories.digests import Window

REFRESH_BATCH = 500

Reach = tuple[Collection[int], Collection[int]]  # customers an offer reaches, and pitched


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
            offers = [
                reach
                for workspace in sorted({p.workspace_id for p in team})
                for reach in self._live_offers(uow, workspace)
            ]
            found = uow.digests.owner_aggregates(
                missing, self.window, offers=offers, each=self.shared
            )
            for owner in missing:
                self._books[owner] = found.get(owner, OwnerAggregate(owner))
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
        if workspace_id not in self._offers:
            reaches: list[Reach] = []
            for offer in uow.offers.live(on=self.now.date()):
                if offer.workspace_id != workspace_id:
                    continue
                ranked = uow.offers.ranked(offer)
                reaches.append(
                    (
                        set(audience(offer, ranked, self.policy)),
                        {cid for cid, state in ranked if state not in (None, PitchState.PENDING)},
                    )
                )
            self._offers[workspace_id] = reaches
        return self._offers[workspace_id]
