"""History: a phrase for every event kind the services record. Russian, HTML (values are
escaped by the views).

Names stay in the nominative ("Имя: что случилось"). {actor} did it, {person} it is about;
the rest comes from the event's details: {due}, {from_name}/{to_name} (hand-over),
{category}/{old}/{new} (categories), {field} (a card edit). tests/test_event_phrases.py
finds every kind the code records and fails on one without a phrase here.
"""

from cashbot.i18n import N_, localize

PHRASES = {
    # Taking and returning
    "take": N_("{person} взял(а)"),
    "return": N_("{person} вернул(а)"),
    "extend": N_("{person} продлил(а) {due}"),
    "unassigned": N_("{actor} отметил(а), что устройство больше не у держателя: {person}"),
    "assigned": N_("{actor} выдал(а) → {person} {due}"),
    "due_changed": N_("{person}: срок изменён, {due}"),
    # Queue
    "queue_join": N_("{person} встал(а) в очередь"),
    "queue_leave": N_("{person} вышел(ла) из очереди"),
    "pass": N_("{person} пропустил(а) свою очередь"),
    "offer": N_("{person}: подошла очередь, устройство забронировано"),
    "offer_expired": N_("{person}: бронь истекла"),
    "queue_dropped": N_("{person}: убран(а) из очереди"),
    "holder_told_waiting": N_("{person}: держателю сообщено, что устройство ждут"),
    # Hand-over
    "handover_request": N_("{actor} предложил(а) передачу → {person}"),
    "handover_declined": N_("{actor} отказал(ся/ась) принять устройство"),
    "handover_cancelled": N_("передача отменена"),
    "handover": N_("передача: {from_name} → {to_name}"),
    "handed_over": N_("{person}: устройство передано"),
    # People
    "registered": N_("{person} зарегистрировал(ся/ась)"),
    "approved": N_("{person}: доступ открыт ({actor})"),
    "rejected": N_("{person}: заявка отклонена ({actor})"),
    "invited": N_("{person}: добавлен(а) по почте"),
    "email_changed": N_("{actor} изменил(а) почту: {person}"),
    "comment_changed": N_("{actor} изменил(а) комментарий: {person}"),
    "blocked": N_("{person}: доступ закрыт ({actor})"),
    "unblocked": N_("{person}: доступ снова открыт ({actor})"),
    "person_deleted": N_("{person}: удалён(а) ({actor})"),
    # The register
    "device_added": N_("{actor} добавил(а) устройство"),
    "device_updated": N_("{actor} обновил(а) данные устройства (импорт)"),
    "device_edit": N_("{actor} изменил(а) карточку: {field}"),
    "device_deleted": N_("{actor} удалил(а) устройство из учёта"),
    "category_added": N_("{actor} добавил(а) категорию «{category}»"),
    "category_renamed": N_("{actor} переименовал(а) категорию: «{old}» → «{new}»"),
    "category_deleted": N_("{actor} удалил(а) категорию «{category}»"),
    "categories_seeded": N_("созданы категории по умолчанию"),
    # Maintenance (the developer role may have no person behind it)
    "backup_done": N_("резервная копия по расписанию сделана"),
    "dev_logs": N_("разработчик скачал(а) лог"),
    "dev_export": N_("разработчик выгрузил(а) устройства в CSV"),
    "dev_backup": N_("разработчик сделал(а) резервную копию"),
    "dev_migrations": N_("разработчик посмотрел(а) миграции"),
    "dev_dump": N_("разработчик сделал(а) полный дамп базы"),
    "dev_delete_free": N_("разработчик удалил(а) все свободные устройства"),
    "dev_reset": N_("разработчик сбросил(а) базу"),
    "dev_code_ok": N_("разработчик ввёл(а) верный код"),
    "dev_code_wrong": N_("разработчик ввёл(а) неверный код"),
}
# Bookkeeping a staff member's history leaves out (the admin journal shows everything):
# a hand-over is told by its "handover" event, the queue note by the queue's own events.
STAFF_HIDDEN = frozenset({"handed_over", "holder_told_waiting"})
# A kind recorded by code newer than this table: still a sentence, never the raw kind.
OTHER = N_("{actor}: другое изменение")
DUE_UNTIL = N_("до {due}")
DUE_NONE = N_("без срока")
SOMEONE = N_("кто-то")

__getattr__ = localize(globals())
