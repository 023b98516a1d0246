"""The audit log: every change, who made it, when."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from nudges.model import AuditEntry
from storage.repositories import mapping
from storage.tables import AuditLogRow, audit_log_t, contact_t, customer_t, nudge_t


@dataclass
class AuditLog:
    session: Session

    def record(
        self,
        action: str,
        *,
        subject_type: str,
        subject_id: int | None,
        actor_id: int | None,
        workspace_id: int | None,
        at: datetime,
        **detail: Any,
    ) -> AuditEntry:
        row = AuditLogRow(
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            actor_id=actor_id,
            workspace_id=workspace_id,
            detail=json.dumps(detail, sort_keys=True, default=str),
            at=at,
        )
        self.session.add(row)
        self.session.flush()
        return mapping.audit(row)

    def entries(self, *, subject_type: str | None = None, limit: int = 100) -> list[AuditEntry]:
        query = select(AuditLogRow)
        if subject_type is not None:
            query = query.where(audit_log_t.c.subject_type == subject_type)
        rows = self.session.scalars(query.order_by(audit_log_t.c.id.desc()).limit(limit))
        return [mapping.audit(r) for r in rows]

    def search(
        self,
        *,
        workspace_id: int,
        since: datetime | None = None,
        customer_id: int | None = None,
        owner_ids: Sequence[int] | None = None,
        limit: int = 50,
    ) -> tuple[list[AuditEntry], int]:
        """The newest entries (and how many match in all): about one customer, and only what
        concerns ``owner_ids``' customers or was done by them (None: everything)."""
        where = [audit_log_t.c.workspace_id == workspace_id]
        if since is not None:
            where.append(audit_log_t.c.at >= since)
        if customer_id is not None:
            where.append(_about(customer_id))
        if owner_ids is not None:
            owned = select(customer_t.c.id).where(customer_t.c.owner_id.in_(list(owner_ids)))
            where.append(
                or_(
                    audit_log_t.c.actor_id.in_(list(owner_ids)),
                    and_(
                        audit_log_t.c.subject_type == "customer",
                        audit_log_t.c.subject_id.in_(owned),
                    ),
                )
            )
        total = int(
            self.session.scalar(select(func.count()).select_from(audit_log_t).where(*where)) or 0
        )
        rows = self.session.scalars(
            select(AuditLogRow).where(*where).order_by(audit_log_t.c.id.desc()).limit(limit)
        )
        return [mapping.audit(r) for r in rows], total


def _about(customer_id: int) -> ColumnElement[bool]:
    """Entries about a customer: its own, its contacts' and nudges', and those naming it."""
    detail = audit_log_t.c.detail
    return or_(
        and_(audit_log_t.c.subject_type == "customer", audit_log_t.c.subject_id == customer_id),
        and_(
            audit_log_t.c.subject_type == "contact",
            audit_log_t.c.subject_id.in_(
                select(contact_t.c.id).where(contact_t.c.customer_id == customer_id)
            ),
        ),
        and_(
            audit_log_t.c.subject_type == "nudge",
            audit_log_t.c.subject_id.in_(
                select(nudge_t.c.id).where(nudge_t.c.customer_id == customer_id)
            ),
        ),
        detail.like(f'%"customer_id": {customer_id},%'),
        detail.like(f'%"customer_id": {customer_id}}}%'),
    )
