"""At real size: a 10,000-customer book with a head of sales over 5 managers and 40
salespeople, through the real bolt app against the fake Web API. The head of sales' digest has
every section and shows all of each; their Home tab is published at once and then with the
whole team; a salesperson's 70 open nudges page through on Home; the Log… form opens within a
second while eight team digests are being put together."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from sqlalchemy import text

from bot.slack.blocks import ACTION_LOG, escape
from bot.slack.home import ACTION_HOME_PAGE
from bot.slack.layout import ACTION_SHOW_ALL
from bot.slack.modals import NOTE, RITUAL
from bot.slack.pages import ACTION_PAGE, Source, page_view
from nudges.model import DeliveryKind
from nudges.model import Platform as PlatformName
from storage import make_engine
from tests.integration.slack.demo_book import NOW, people
from tests.integration.slack.harness import (
    TEAM,
    Harness,
    block_action,
    event,
    eventually,
    home_action,
    payload,
)
from tests.slack_limits import check_message, check_view

pytestmark = pytest.mark.db

DIGEST_SECTIONS = (
    "By team",
    "By salesperson",
    "Quiet accounts",
    "Escalations",
    "Concentration risk",
    "Single-threaded (at most one contact touched in 180 days)",
    "Health distribution",
)
HOME_HEADERS = [
    "Open nudges",
    "My team",
    "Quiet relationships",
    "Coming up",
    "Offers to pitch first",
    "My settings",
]


def buttons(blocks: list[dict[str, Any]], action_id: str) -> list[dict[str, Any]]:
    return [
        e
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e.get("action_id") == action_id
    ]


def ephemeral_action(*, user: str, action: dict[str, Any]) -> dict[str, Any]:
    """A button pressed on an ephemeral reply: Slack keeps no copy of such a message."""
    data = payload("block_actions_button.json")
    data["user"] = {"id": user, "username": user, "name": user, "team_id": TEAM}
    data["team"] = {"id": TEAM, "domain": "demo"}
    data["container"] = {
        "type": "message",
        "message_ts": "1700000000.000001",
        "channel_id": "C0DEMO",
        "is_ephemeral": True,
    }
    data["channel"] = {"id": "C0DEMO", "name": "sales"}
    data.pop("message", None)
    data["trigger_id"] = f"{time.monotonic_ns()}.1.abc"
    data["actions"] = [{"action_ts": "1700000000.1", "type": "button", **action}]
    return data


def open_nudges(url: str, user: str) -> set[str]:
    """The entries of the person's open nudges: one per customer, shown by its most important
    nudge (priority, then dedupe key)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT n.id, n.customer_id, n.priority, n.dedupe_key FROM nudge n"
                    " JOIN person p ON p.id = n.recipient_id"
                    " WHERE p.platform_user_id = :u AND n.state IN ('open', 'delivered')"
                ),
                {"u": user},
            ).all()
    finally:
        engine.dispose()
    top: dict[int, tuple[float, str, int]] = {}
    for nid, customer, priority, key in rows:
        best = top.get(customer)
        if best is None or (-priority, key) < (-best[0], best[1]):
            top[customer] = (priority, key, nid)
    return {f"nudge:{nid}" for _, _, nid in top.values()}


def item_refs(blocks: list[dict[str, Any]]) -> set[str]:
    return {
        str(b["block_id"]).removeprefix("item:")
        for b in blocks
        if str(b.get("block_id", "")).startswith("item:")
    }


async def test_the_head_of_sales_digest_has_every_section_and_shows_all_of_each(
    demo: Harness, demo_url: str
) -> None:
    head = people(demo_url)["head"]

    await demo.slash("digest team", user=head)

    (reply,) = await eventually(lambda: demo.replies(), within=60)
    check_message(reply["text"], reply["blocks"])
    shown = json.dumps(reply["blocks"], ensure_ascii=False)
    for title in DIGEST_SECTIONS:
        assert escape(title) in shown, title
    assert "45 people" in reply["text"]
    show_all = buttons(reply["blocks"], ACTION_SHOW_ALL)
    assert show_all, "long sections open in full"

    # "Show all" on the quiet accounts: a modal at once, then its first page; then the next.
    sources = [Source.loads(b["value"]) for b in show_all]
    assert all(s is not None and s.command == "digest team" for s in sources)
    services = demo.runtime.built.services if demo.runtime else None
    assert services is not None
    actor = await services.actor(demo.app_client, team_id=TEAM, team_name="", user_id=head)
    whole = await services.full_reply(actor, Source(section=0, command="digest team"))
    quiet = next(i for i, s in enumerate(whole.sections) if s.heading == "Quiet accounts")
    button = next(b for b, s in zip(show_all, sources, strict=True) if s and s.section == quiet)
    await demo.interact(ephemeral_action(user=head, action={**button, "block_id": "x"}))
    opened = (await eventually(lambda: demo.fake.calls_to("views.open"), within=30))[0]
    assert "Loading" in json.dumps(opened.params["view"])
    first = (await eventually(lambda: demo.fake.calls_to("views.update"), within=60))[0]
    check_view(first.params["view"])
    count = len(whole.sections[quiet].items)
    assert f"1 to 50 of {count}" in json.dumps(first.params["view"])
    view = demo.fake.view(first.params["view_id"])
    assert view is not None
    (next_page,) = buttons(view["blocks"], ACTION_PAGE)
    await demo.interact(
        home_action(user=head, view=view, action={**next_page, "block_id": "p", "type": "button"})
    )
    second = (await eventually(lambda: demo.fake.calls_to("views.update")[1:], within=60))[0]
    check_view(second.params["view"])
    assert f"51 to 100 of {count}" in json.dumps(second.params["view"])

    # Every item of every section is on one of its pages.
    for index, section in enumerate(whole.sections):
        pages: list[dict[str, Any]] = []
        page = 0
        while True:
            paged = page_view(whole, Source(section=index, command="digest team", page=page))
            check_view(paged)
            pages.append(paged)
            if not buttons(paged["blocks"], ACTION_PAGE) or page > len(section.items) // 50:
                break
            page += 1
        text_of_pages = json.dumps(pages, ensure_ascii=False)
        for item in section.items:
            assert escape(item.title) in text_of_pages


async def test_the_head_of_sales_home_is_published_at_once_then_with_the_whole_team(
    demo: Harness, demo_url: str
) -> None:
    head = people(demo_url)["head"]
    sent = time.monotonic()

    await demo.send_event(event("app_home_opened_home.json", user=head))

    first = (await eventually(lambda: demo.fake.calls_to("views.publish"), within=30))[0]
    assert first.at - sent < 3.0
    await eventually(lambda: "By team" in json.dumps(demo.fake.home_view(head)), within=60)
    publishes = demo.fake.calls_to("views.publish")
    for call in publishes:
        assert call.ok
        check_view(call.params["view"])
    assert publishes[-1].params.get("hash"), "each publish carries the hash of the one before"
    view = demo.fake.home_view(head)
    assert view is not None
    headers = [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]
    assert headers == HOME_HEADERS
    shown = json.dumps(view, ensure_ascii=False)
    engine = make_engine(demo_url)
    with engine.connect() as connection:
        managers = connection.execute(
            text(
                "SELECT display_name FROM person WHERE manager_id ="
                " (SELECT id FROM person WHERE manager_id IS NULL)"
            )
        ).scalars()
        for name in managers:
            assert escape(f"{name}'s team") in shown
    engine.dispose()

    # Opened again a moment later: the team is at hand, so one publish has everything.
    before = len(demo.fake.calls_to("views.publish"))
    await demo.send_event(event("app_home_opened_home.json", user=head))
    await eventually(lambda: len(demo.fake.calls_to("views.publish")) > before, within=30)
    await demo.settled()
    again = demo.fake.calls_to("views.publish")[before:]
    assert len(again) == 1 and "By team" in json.dumps(again[0].params["view"])


async def test_seventy_open_nudges_page_through_on_the_home_tab(
    demo: Harness, demo_url: str
) -> None:
    seller = people(demo_url)["seller"]
    wanted = open_nudges(demo_url, seller)
    assert len(wanted) > 30

    await demo.send_event(event("app_home_opened_home.json", user=seller))
    first = await eventually(lambda: demo.fake.home_view(seller), within=30)
    headers = [i for i, b in enumerate(first["blocks"]) if b["type"] == "header"]
    coming = next(i for i in headers if first["blocks"][i]["text"]["text"] == "Coming up")
    summary = first["blocks"][coming + 1]["elements"][0]["text"]
    assert "dates in the next 14 days" in summary or "Nothing in the next 14 days" in summary
    seen: set[str] = set()
    for _ in range(len(wanted)):
        view = demo.fake.home_view(seller)
        assert view is not None
        check_view(view)
        seen |= item_refs(view["blocks"])
        nexts = [
            b for b in buttons(view["blocks"], ACTION_HOME_PAGE) if "Next" in b["text"]["text"]
        ]
        page = [b for b in nexts if json.loads(b["value"])["k"] == "nudges"]
        if not page:
            break
        before = len(demo.fake.calls_to("views.publish"))
        await demo.interact(
            home_action(user=seller, view=view, action={**page[0], "block_id": "page:nudges"})
        )
        await eventually(
            lambda before=before: len(demo.fake.calls_to("views.publish")) > before, within=30
        )
    assert seen == wanted


async def test_the_log_form_opens_within_a_second_while_eight_team_digests_run(
    demo: Harness, demo_url: str
) -> None:
    who = people(demo_url)
    ref = sorted(open_nudges(demo_url, who["seller"]))[0]
    digests = [demo.slash("digest team", user=who["head"]) for _ in range(8)]
    for acknowledged in await asyncio.gather(*digests):
        assert acknowledged.status == 200
    assert len(demo.replies()) < 8, "the digests are still being put together"

    pressed = time.monotonic()
    await demo.interact(
        block_action(
            demo.fake,
            user=who["seller"],
            channel="D" + who["seller"],
            message={"ts": "1700000000.000100", "text": "Good morning", "blocks": []},
            action={
                "action_id": ACTION_LOG,
                "block_id": f"actions:{ref}",
                "type": "button",
                "value": ref,
                "text": {"type": "plain_text", "text": "Log…"},
            },
        )
    )

    opened = (await eventually(lambda: demo.fake.calls_to("views.open"), within=30))[0]
    assert opened.at - pressed < 1.0
    assert len(demo.replies()) < 8, "it did not wait for the digests"
    filled = (await eventually(lambda: demo.fake.calls_to("views.update"), within=120))[0]
    assert len(demo.replies()) < 8, "filled in without waiting for the digests either"
    check_view(filled.params["view"])
    assert filled.params["view_id"] in demo.fake.views
    assert {b.get("block_id") for b in filled.params["view"]["blocks"]} >= {RITUAL, NOTE}
    await eventually(lambda: len(demo.replies()) == 8, within=180)


async def test_a_scheduled_digest_is_one_message_whose_sections_open_in_full(
    demo: Harness, demo_url: str
) -> None:
    head = people(demo_url)["head"]
    assert demo.runtime is not None
    services = demo.runtime.built.services
    actor = await services.actor(demo.app_client, team_id=TEAM, team_name="", user_id=head)
    digest = await services.run(actor, "digest team")
    with demo.container.deps.uow() as uow:
        delivery = uow.deliveries.add(
            dedupe_key=f"digest:{actor.person.id}:test-{time.monotonic_ns()}",
            recipient_id=actor.person.id,
            platform=PlatformName.SLACK,
            kind=DeliveryKind.DIGEST,
            slot_at=NOW,
            payload=digest.to_json(),
            now=NOW,
        )
        uow.commit()

    await demo.container.platforms[PlatformName.SLACK].send(
        actor.person, digest, delivery_id=delivery.id
    )

    (message,) = demo.fake.dm_messages(head)
    check_message(message["text"], message["blocks"])
    shown = json.dumps(message["blocks"], ensure_ascii=False)
    for title in DIGEST_SECTIONS:
        assert escape(title) in shown, title
    quiet = next(i for i, s in enumerate(digest.sections) if s.heading == "Quiet accounts")
    (button,) = [
        b
        for b in buttons(message["blocks"], ACTION_SHOW_ALL)
        if (Source.loads(b["value"]) or Source(section=-1, command="")).section == quiet
    ]
    assert Source.loads(button["value"]) == Source(section=quiet, delivery=delivery.id)
    await demo.interact(
        block_action(
            demo.fake,
            user=head,
            channel="D" + head,
            message=message,
            action={**button, "block_id": "show", "type": "button"},
        )
    )
    page = (await eventually(lambda: demo.fake.calls_to("views.update"), within=30))[0]
    check_view(page.params["view"])
    count = len(digest.sections[quiet].items)
    assert f"1 to 50 of {count}" in json.dumps(page.params["view"])
    assert escape(digest.sections[quiet].items[0].title) in json.dumps(
        page.params["view"], ensure_ascii=False
    )
