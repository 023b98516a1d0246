"""The last numbered list each person was shown, so "done 2" means the item they saw."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Executable, bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as lite_insert
from sqlalchemy.orm import Session

from storage.tables import shown_list_t


@dataclass(frozen=True, slots=True)
class ShownList:
    refs: tuple[str, ...]  # the items' refs in the order shown ("nudge:42")
    shown_at: datetime


@dataclass
class ShownListRepository:
    session: Session

    def remember(self, person_id: int, refs: Sequence[str], *, at: datetime) -> None:
        """Replace the person's last list (the newest one shown wins), in one ``INSERT … ON
        CONFLICT DO UPDATE``: two messages to the same person recorded at once (the outbox
        sends concurrently) neither fail nor leave the older list."""
        postgres = self.session.get_bind().dialect.name == "postgresql"
        self.session.execute(
            _upsert(postgres), {"person_id": person_id, "refs": json.dumps(list(refs)), "at": at}
        )

    def last(self, person_id: int) -> ShownList | None:
        row = self.session.execute(
            select(shown_list_t.c.refs, shown_list_t.c.shown_at).where(
                shown_list_t.c.person_id == person_id
            )
        ).first()
        if row is None:
            return None
        return ShownList(tuple(str(r) for r in json.loads(row.refs)), row.shown_at)


@cache
def _upsert(postgres: bool) -> Executable:
    """The statement of :meth:`ShownListRepository.remember`, built once (an outbox records
    one for each message it sends; building its ``excluded`` columns cost more than running
    it)."""
    stored = shown_list_t.c
    statement = (pg_insert if postgres else lite_insert)(shown_list_t).values(
        person_id=bindparam("person_id", type_=stored.person_id.type),
        refs=bindparam("refs", type_=stored.refs.type),
        shown_at=bindparam("at", type_=stored.shown_at.type),
    )
    offered = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[stored.person_id],
        set_={"refs": offered.refs, "shown_at": offered.shown_at},
        where=stored.shown_at <= offered.shown_at,
    )
