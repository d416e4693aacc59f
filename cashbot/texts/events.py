"""History: a phrase for every event kind the services record. Russian, HTML (values are
escaped by the views).

Names stay in the nominative ("Имя: что случилось"). {actor} did it, {person} it is about;
the rest comes from the event's details: {due}, {from_name}/{to_name} (hand-over),
{category}/{old}/{new} (categories), {field} (a card edit). tests/test_event_phrases.py
finds every kind the code records and fails on one without a phrase here.
"""

PHRASES = {
    # Taking and returning
    "take": "{person} взял(а)",
    "return": "{person} вернул(а)",
    "extend": "{person} продлил(а) {due}",
    "unassigned": "{actor} отметил(а), что устройство больше не у держателя: {person}",
    "assigned": "{actor} выдал(а) → {person} {due}",
    "due_changed": "{person}: срок изменён, {due}",
    # Queue
    "queue_join": "{person} встал(а) в очередь",
    "queue_leave": "{person} вышел(ла) из очереди",
    "pass": "{person} пропустил(а) свою очередь",
    "offer": "{person}: подошла очередь, устройство забронировано",
    "offer_expired": "{person}: бронь истекла",
    "queue_dropped": "{person}: убран(а) из очереди",
    "holder_told_waiting": "{person}: держателю сообщено, что устройство ждут",
    # Hand-over
    "handover_request": "{actor} предложил(а) передачу → {person}",
    "handover_declined": "{actor} отказал(ся/ась) принять устройство",
    "handover_cancelled": "передача отменена",
    "handover": "передача: {from_name} → {to_name}",
    "handed_over": "{person}: устройство передано",
    # People
    "registered": "{person} зарегистрировал(ся/ась)",
    "approved": "{person}: доступ открыт ({actor})",
    "rejected": "{person}: заявка отклонена ({actor})",
    "invited": "{person}: добавлен(а) по почте",
    "email_changed": "{actor} изменил(а) почту: {person}",
    "comment_changed": "{actor} изменил(а) комментарий: {person}",
    "blocked": "{person}: доступ закрыт ({actor})",
    "unblocked": "{person}: доступ снова открыт ({actor})",
    "person_deleted": "{person}: удалён(а) ({actor})",
    # The register
    "device_added": "{actor} добавил(а) устройство",
    "device_updated": "{actor} обновил(а) данные устройства (импорт)",
    "device_edit": "{actor} изменил(а) карточку: {field}",
    "device_deleted": "{actor} удалил(а) устройство из учёта",
    "category_added": "{actor} добавил(а) категорию «{category}»",
    "category_renamed": "{actor} переименовал(а) категорию: «{old}» → «{new}»",
    "category_deleted": "{actor} удалил(а) категорию «{category}»",
    "categories_seeded": "созданы категории по умолчанию",
    # Maintenance (the developer role may have no person behind it)
    "backup_done": "резервная копия по расписанию сделана",
    "dev_logs": "разработчик скачал(а) лог",
    "dev_export": "разработчик выгрузил(а) устройства в CSV",
    "dev_backup": "разработчик сделал(а) резервную копию",
    "dev_migrations": "разработчик посмотрел(а) миграции",
    "dev_dump": "разработчик сделал(а) полный дамп базы",
    "dev_delete_free": "разработчик удалил(а) все свободные устройства",
    "dev_reset": "разработчик сбросил(а) базу",
    "dev_code_ok": "разработчик ввёл(а) верный код",
    "dev_code_wrong": "разработчик ввёл(а) неверный код",
}
# Bookkeeping a staff member's history leaves out (the admin journal shows everything):
# a hand-over is told by its "handover" event, the queue note by the queue's own events.
STAFF_HIDDEN = frozenset({"handed_over", "holder_told_waiting"})
# A kind recorded by code newer than this table: still a sentence, never the raw kind.
OTHER = "{actor}: другое изменение"
DUE_UNTIL = "до {due}"
DUE_NONE = "без срока"
SOMEONE = "кто-то"
