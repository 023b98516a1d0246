"""Command forms about offers: add, list, show, pitched."""

from __future__ import annotations

from collections.abc import Sequence

from bot.commands.commands import (
    Command,
)
from bot.commands.context import (
    MAX_NAME,
    Context,
    Given,
    Handler,
    joined,
    name_span,
    no_words,
    require_value,
)
from bot.commands.durations import relative_until
from bot.commands.lexer import Token
from bot.commands.names import (
    Found,
    resolve_leading,
    suggest,
)
from bot.commands.offers import AddOffer, ListOffers, RecordPitch, ShowOffer
from bot.commands.problems import Invalid
from bot.commands.values import (
    parse_enum,
    parse_enums,
    parse_int,
    parse_list,
)
from nudges.model import OfferKind, PitchState, RelationshipKind

# --- offers --------------------------------------------------------------------------------------


def _offer_add(ctx: Context, given: Given) -> Command:
    args = ctx.args(
        given, options=("kind", "from", "public", "qty", "tiers", "kinds", "tags"), note=True
    )
    title = joined(args.words)
    if not title:
        raise Invalid("Missing the offer's title.")
    if len(title) > MAX_NAME:
        raise Invalid(f"The title is too long ({len(title)} characters, at most {MAX_NAME}).")
    options = {key: require_value(value, f"{key}=") for key, value in args.options.items()}
    missing = [f"{key}=" for key in ("kind", "from", "public") if key not in options]
    if missing:
        raise Invalid(f"Missing {', '.join(missing)} for offer {title!r}.")
    kind = parse_enum(options["kind"], OfferKind, what="offer kind")
    first = relative_until(options["from"], today=ctx.today)
    public = relative_until(options["public"], today=ctx.today)
    if public < first:
        raise Invalid(f"public={options['public']!r} is before from={options['from']!r}.")
    return AddOffer(
        title,
        kind,
        existing_first_on=first,
        public_on=public,
        quantity=parse_int(options["qty"], what="qty", low=1, high=10**6)
        if "qty" in options
        else None,
        tiers=parse_list(options["tiers"], what="tier") if "tiers" in options else frozenset(),
        kinds=(
            parse_enums(options["kinds"], RelationshipKind, what="kind")
            if "kinds" in options
            else frozenset()
        ),
        tags=parse_list(options["tags"], what="tag") if "tags" in options else frozenset(),
        description=args.note,
    )


def _offer_list(ctx: Context, given: Given) -> Command:
    no_words(ctx, ctx.args(given).words)
    return ListOffers()


def _offer_ref(ctx: Context, words: Sequence[Token]) -> str:
    if not words:
        raise Invalid("Missing the offer.")
    if ctx.offers is None:
        return joined(words)
    return ctx.accept(ctx.resolve_whole(words, ctx.offers), ctx.offers, what="offer", whole=True)


def _offer_show(ctx: Context, given: Given) -> Command:
    return ShowOffer(_offer_ref(ctx, ctx.args(given).words))


_PITCH_STATES = {"pitched": PitchState.PITCHED, "accepted": PitchState.ACCEPTED,
                 "declined": PitchState.DECLINED}  # fmt: skip


def _offer_pitched(ctx: Context, given: Given) -> Command:
    words = list(ctx.args(given).words)
    state = PitchState.PITCHED
    if words and words[-1].plain and words[-1].text.lower() in _PITCH_STATES:
        state = _PITCH_STATES[words.pop().text.lower()]
    if len(words) < 2:
        raise Invalid('Missing the offer or the customer, e.g. offer pitched "Analytics Pro" acme.')
    if ctx.offers is not None:
        found = resolve_leading([t.text for t in words], ctx.offers, max_words=name_span(words))
        offer = ctx.accept(found, ctx.offers, what="offer", whole=False)
        taken = found.words if isinstance(found, Found) else 0
        return RecordPitch(offer, ctx.customer_whole(words[taken:]), state)
    if words[0].quoted:
        return RecordPitch(words[0].text, ctx.customer_whole(words[1:]), state)
    # Without known offer titles, the customer is the longest known name ending the words.
    for split in range(1, len(words)):
        found = ctx.resolve_whole(words[split:], ctx.customers)
        if isinstance(found, Found):
            return RecordPitch(joined(words[:split]), found.name, state)
    close = suggest([t.text for t in words[1:]], ctx.customers)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise Invalid(
        f"No known customer at the end of {joined(words)!r}.{hint} If the customer is right, "
        'quote the offer\'s title, e.g. offer pitched "Analytics Pro" acme.',
        suggestions=close,
    )


FORMS: dict[str, Handler] = {
    "offer add": _offer_add,
    "offer list": _offer_list,
    "offer show": _offer_show,
    "offer pitched": _offer_pitched,
}
