"""One entry point for every surface: text in (or a button), a platform-neutral reply out."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from bot.commands import (
    AddContact,
    AddCustomer,
    AddDate,
    AddLifeEvent,
    AddOffer,
    AddTeamMember,
    AnswerEscalation,
    ArchiveCustomer,
    AssignCustomer,
    DigestChannel,
    Done,
    DoNotContact,
    EditContact,
    EditCustomer,
    EditDate,
    Help,
    ListCustomers,
    ListDates,
    ListOffers,
    ListTeam,
    LogTouch,
    OutOfOffice,
    ParseError,
    RecordPitch,
    RemoveContact,
    RemoveDate,
    RemoveLifeEvent,
    ShowCustomer,
    ShowDeliveries,
    ShowDigest,
    ShowHealth,
    ShowHistory,
    ShowNudges,
    ShowOffer,
    ShowQuiet,
    ShowSettings,
    Skip,
    Snooze,
    UnarchiveCustomer,
    Undo,
    UpdateSettings,
    UserRef,
    parse,
)
from bot.commands.text import unstorable, unstorable_char
from bot.ops.instrument import about_button, about_command
from bot.replies import Reply, Verb, error, numbered_refs, ok
from bot.services.access import Forbidden
from bot.services.books import chat as books
from bot.services.busy import busy_reply
from bot.services.context import Actor, Deps, Origin
from bot.services.handlers import (
    channels,
    contacts,
    customers,
    deliveries,
    escalations,
    history,
    insights,
    offers,
    people,
    records,
    team_views,
    touches,
    undo,
)
from bot.services.identity import UnknownPerson
from bot.services.request import Request, ServiceError
from storage import is_retryable, run_in_transaction

log = logging.getLogger(__name__)

Handler = Callable[[Request, Any], Reply]

HANDLERS: dict[type, Handler] = {
    LogTouch: touches.log_touch,
    Done: touches.done,
    AnswerEscalation: escalations.escalation_command,
    Snooze: touches.snooze,
    Skip: touches.skip,
    DoNotContact: touches.do_not_contact,
    AddCustomer: customers.add_customer,
    EditCustomer: customers.edit_customer,
    ShowCustomer: customers.show_customer,
    ListCustomers: customers.list_customers,
    ArchiveCustomer: customers.archive_customer,
    AssignCustomer: customers.assign_customer,
    UnarchiveCustomer: customers.unarchive_customer,
    ShowHistory: history.show_history,
    AddContact: contacts.add_contact,
    EditContact: contacts.edit_contact,
    RemoveContact: contacts.remove_contact,
    AddDate: records.add_date,
    ListDates: records.list_dates,
    EditDate: records.edit_date,
    RemoveDate: records.remove_date,
    AddLifeEvent: records.add_life_event,
    RemoveLifeEvent: records.remove_life_event,
    ShowSettings: people.show_settings,
    UpdateSettings: people.update_settings,
    OutOfOffice: people.out_of_office,
    AddTeamMember: people.add_team_member,
    ListTeam: people.list_team,
    AddOffer: offers.add_offer,
    ListOffers: offers.list_offers,
    ShowOffer: offers.show_offer,
    RecordPitch: offers.record_pitch,
    ShowQuiet: team_views.show_quiet,
    ShowNudges: team_views.show_nudges,
    ShowHealth: insights.show_health,
    ShowDigest: insights.show_digest,
    ShowDeliveries: deliveries.show_deliveries,
    Help: insights.show_help,
    DigestChannel: channels.digest_channel,
    **books.HANDLERS,
    Undo: undo.undo,
}

#: What is answered where others read along (a channel): nothing about anyone's book.
SHARED_COMMANDS: frozenset[type] = frozenset({DigestChannel})

_REFUSALS = (ServiceError, Forbidden, UnknownPerson)

#: Commands that only read: they run in a read-only unit of work (on SQLite, without waiting
#: for the write lock a sweep or another request holds).
READ_ONLY_COMMANDS: frozenset[type] = frozenset(
    {
        ShowCustomer,
        ShowHistory,
        ListDates,
        ListCustomers,
        ListTeam,
        ListOffers,
        ShowOffer,
        ShowSettings,
        ShowQuiet,
        ShowNudges,
        ShowHealth,
        ShowDigest,
        ShowDeliveries,
        Help,
        *books.READ_ONLY,
    }
)


def _refused(refusal: Exception) -> Reply:
    return error(
        str(refusal),
        usage=getattr(refusal, "usage", None),
        field=getattr(refusal, "field", None),
    )


def _parse_error(problem: ParseError) -> Reply:
    message = problem.message
    if problem.suggestions and "did you mean" not in message.lower():
        message += " Did you mean " + " or ".join(repr(s) for s in problem.suggestions[:3]) + "?"
    return error(message, usage=problem.usage or None)


class CommandService:
    """Parses text once, runs the use case in one unit of work, and answers with a reply."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def handle_text(self, actor: Actor, text: str, *, origin: Origin | None = None) -> Reply:
        """Parsed (and, for a command that only reads, answered) in a read-only unit of work;
        a change runs in a unit of work of its own, which looks its subject up again.
        ``origin``: a place others read (a channel), where only shared commands run."""
        now = self.deps.clock.now()
        with self.deps.reader() as uow:
            command = parse(
                text,
                customers=uow.customer_names(actor.workspace.id),
                offers=uow.offer_titles(actor.workspace.id),
                today=actor.today(now),
                everyone=uow.customer_names(actor.workspace.id, archived=True),
            )
            if origin is not None and type(command) not in SHARED_COMMANDS:
                return channels.private_only(origin)
            if isinstance(command, ParseError):
                return _parse_error(command)
            if type(command) in READ_ONLY_COMMANDS:
                reply = self._run(Request(self.deps, uow, actor, now, origin), command)
        if type(command) in READ_ONLY_COMMANDS:
            if origin is None:  # a person's own list (not one shown in a channel)
                self._remember_list(actor, reply, now=now)
            return reply
        with self.deps.uow() as uow:
            return self._run(Request(self.deps, uow, actor, now, origin), command)

    def _remember_list(self, actor: Actor, reply: Reply, *, now: datetime) -> None:
        """A numbered list was shown: remember it, so "done 2" means its second item."""
        shown = numbered_refs(reply)
        if shown is None:
            return
        with self.deps.uow() as uow:
            uow.shown.remember(actor.person.id, shown, at=now)
            uow.commit()

    @about_command
    def _run(self, request: Request, command: object, handler: Handler | None = None) -> Reply:
        handler = handler or HANDLERS.get(type(command))
        if handler is None:  # pragma: no cover - every command type has a handler (tested)
            return error(f"{type(command).__name__} is not supported here yet.")
        if (problem := unstorable(command)) is not None:  # a form's field (typed text: parse)
            return error(problem)

        def attempt() -> Reply:
            try:
                return handler(request, command)
            except _REFUSALS as refusal:
                request.uow.rollback()
                request.reset()
                return _refused(refusal)

        # A sweep (or a replica) wrote the same nudge a moment ago, the database broke a
        # deadlock with it, or SQLite's write lock stayed busy: the whole use case is one
        # transaction, so it runs again on fresh data (storage.retry's policy); if it still
        # cannot, the person is told, never left without an answer.
        try:
            return run_in_transaction(
                request.uow, attempt, what=type(command).__name__, before_retry=request.reset
            )
        except Exception as exc:
            if not is_retryable(exc):
                raise
            log.warning("%s gave up after conflicts (%s)", type(command).__name__, type(exc))
            return busy_reply(command)

    @about_button
    def answer(
        self,
        actor: Actor,
        *,
        nudge_id: int,
        verb: Verb,
        until: date | None = None,
        reason: str | None = None,
        to: UserRef | None = None,
    ) -> tuple[Reply, str | None]:
        """A button on a nudge: done, snooze, skip, an answer to an escalation (``to``: the
        new owner when reassigning) or how a pitch went. Returns the reply and the item's new
        state for updating the message in place (None when nothing changed)."""
        now = self.deps.clock.now()
        if reason is not None and (problem := unstorable_char(reason)) is not None:
            return error(f"The reason contains {problem}, which cannot be saved: remove it."), None
        with self.deps.uow() as uow:
            request = Request(self.deps, uow, actor, now)

            def attempt() -> tuple[Reply, str | None]:
                nudge = uow.nudges.get(nudge_id)
                if nudge is None:
                    return error("That nudge no longer exists."), None
                try:
                    answered = touches.answer_nudge(
                        request,
                        nudge,
                        verb=verb.value,
                        until=until,
                        reason=reason,
                        to=to,
                        whole_entry=True,
                    )
                except _REFUSALS as refusal:
                    uow.rollback()
                    request.reset()
                    return _refused(refusal), None
                return ok(answered.message, *answered.sections), answered.state

            try:  # as in _run: one transaction, run again after a conflict
                return run_in_transaction(
                    uow, attempt, what=f"answer {verb.value}", before_retry=request.reset
                )
            except Exception as exc:
                if not is_retryable(exc):
                    raise
                log.warning("answer %s gave up after conflicts (%s)", verb.value, type(exc))
                return busy_reply(None), None

    def log_touch(self, actor: Actor, command: LogTouch, *, nudge_id: int | None = None) -> Reply:
        """The "Log…" form: a touch with details, answering a nudge when it came from one."""
        now = self.deps.clock.now()

        def answered(request: Request, command: LogTouch) -> Reply:
            if nudge_id is not None:
                # Committed with the touch, or rolled back with it when the touch is refused
                # (and closed again when the two are run again after a conflict).
                touches.close_answered_nudge(request, nudge_id, customer=command.customer)
            return touches.log_touch(request, command)

        with self.deps.uow() as uow:
            return self._run(Request(self.deps, uow, actor, now), command, answered)
