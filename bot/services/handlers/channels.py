"""Where others read along: a manager's digest posted in a team channel, and the one line
everything else gets there (a person's book is answered only in their own chat)."""

from __future__ import annotations

from bot.commands import DigestChannel
from bot.replies import Reply, info, ok
from bot.services.context import Origin
from bot.services.request import Request, ServiceError

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def private_only(origin: Origin) -> Reply:
    where = "this channel" if origin.kind == "channel" else "this chat"
    return info(
        f"Others read {where}, so I answer there only `digest channel` (a manager's weekly team "
        "digest posted here). For everything else, write to me in our personal chat."
    )


def digest_channel(req: Request, cmd: DigestChannel) -> Reply:
    channels = req.uow.digest_channels
    if cmd.off:
        if not channels.remove(req.person.id):
            return info("Your digest is not posted in any channel; it comes to you only.")
        req.audit("digest.channel.off", subject_type="person", subject_id=req.person.id)
        req.uow.commit()
        return ok("Your weekly team digest is no longer posted in a channel; it comes to you.")
    origin = req.origin
    if origin is None or origin.kind != "channel":
        raise ServiceError(
            "Type `digest channel` in the team channel where your weekly digest should be "
            "posted, mentioning me there. `digest channel off` stops it."
        )
    if not req.uow.people.reports_of(req.person.id):  # the weekly digest goes to managers
        raise ServiceError(
            "Only managers have a weekly team digest to post, and nobody reports to you yet. "
            "Admins add reports with `team add @user manager=@you`."
        )
    channels.save(
        person_id=req.person.id,
        platform=origin.platform,
        channel_id=origin.channel_id,
        name=origin.name,
        reference=dict(origin.reference),
        now=req.now,
    )
    req.audit("digest.channel", subject_type="person", subject_id=req.person.id)
    req.uow.commit()
    schedule = req.deps.settings.digest
    where = f"in {origin.name}" if origin.name else "in this channel"
    return ok(
        f"Your weekly team digest will be posted {where} every "
        f"{WEEKDAYS[schedule.weekday]} at {schedule.hour:02d}:00 your time, as well as sent to "
        "you. `digest channel off` stops it."
    )
