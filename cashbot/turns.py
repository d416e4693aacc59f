"""Telling people their turn came: shared by every flow that can free a device (return,
leaving a queue, an expired reservation, an admin taking a device back, a blocked person)."""

from __future__ import annotations

from cashbot.clock import Clock
from cashbot.config import Settings
from cashbot.db.database import Db
from cashbot.i18n import use_locale
from cashbot.notify import Delivery, Notifier
from cashbot.services import queue
from cashbot.services.errors import NoOffer
from cashbot.services.queue import Offer, OfferChange
from cashbot.texts import queue as t
from cashbot.views import queue as v


def announce(
    change: OfferChange, notifier: Notifier, db: Db, settings: Settings, clock: Clock, *, timed_out: bool
) -> None:
    """An offer moved on: the next in line gets their turn; on a timeout, the one whose time
    ran out is told."""
    if timed_out:
        with use_locale(change.previous.language):
            text = t.OFFER_EXPIRED if change.offer else t.OFFER_EXPIRED_FREE
            notifier.post(
                change.previous.telegram_id,
                text.format(device=v.device_label(change.device)),
                v.open_card_markup(change.device.device_id),
            )
    if change.offer is not None:
        offer_turn(change.offer, notifier, db, settings, clock)


def offer_turn(offer: Offer, notifier: Notifier, db: Db, settings: Settings, clock: Clock) -> None:
    """Send "your turn" in the background. Someone who blocked the bot can never answer: the
    bot passes for them at once instead of holding the device for `hold_hours`."""

    async def send() -> None:
        with use_locale(offer.person.language):  # theirs, whoever freed the device
            message = v.your_turn(offer, settings.tz)
        delivery = await notifier.deliver(offer.person.telegram_id, *message)
        if delivery is not Delivery.BLOCKED:
            return
        try:
            change = await db.run(
                queue.pass_offer,
                offer.device.device_id,
                offer.person.person_id,
                now=clock.now(),
                hold_hours=settings.queue.hold_hours,
                unreachable=True,
            )
        except NoOffer:  # taken or passed meanwhile
            return
        announce(change, notifier, db, settings, clock, timed_out=False)

    notifier.run_later(send())
