"""The audit log: every change, who made it, when."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nudges.model import AuditEntry
from storage.repositories import mapping
from storage.tables import AuditLogRow, audit_log_t


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
