"""Views of the CSV import: the preview, the result, the note to holders.

A preview always fits one message: a list longer than LIST_INLINE_MAX items (holders, new
categories, unrecognised columns), or a preview that would still be longer than
PREVIEW_LIMIT characters, is shown as a count, and the full lists go with it as a text file
(like a long problem report).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aiogram.types import InlineKeyboardMarkup

from cashbot.callbacks import ImportAction, ImportCb
from cashbot.services.common import DeviceLabel
from cashbot.services.device_csv import Problem
from cashbot.services.import_csv import ImportPlan, ImportResult
from cashbot.texts import import_csv as t
from cashbot.texts.common import esc
from cashbot.texts.plural import plural
from cashbot.views.keyboard import InlineKeyboardBuilder

REPORT_INLINE_LIMIT = 3000  # longer problem reports go as a .txt document
LIST_INLINE_MAX = 10  # longer lists are counted in the preview and listed in the file
PREVIEW_LIMIT = 3500  # a preview this long is summarised whatever its lists (Telegram: 4096)


@dataclass(frozen=True)
class Attachment:
    name: str
    text: str


def import_preview(
    plan: ImportPlan, file_name: str, update_existing: bool, token: str, note: str | None = None
) -> tuple[str, InlineKeyboardMarkup, Attachment | None]:
    """(text, keyboard, a text file to send after it or None)."""
    text, details = _preview_text(plan, file_name, update_existing, note, summarise=False)
    if len(text) > PREVIEW_LIMIT:
        text, details = _preview_text(plan, file_name, update_existing, note, summarise=True)
    attachment = None
    if details:
        attachment = Attachment(t.PROBLEMS_FILE if not plan.ok else t.DETAILS_FILE, "\n\n".join(details) + "\n")
    kb = InlineKeyboardBuilder()
    if plan.ok and plan.has_work:
        kb.button(text=t.BTN_IMPORT, callback_data=ImportCb(action=ImportAction.IMPORT, token=token))
    kb.button(
        text=t.BTN_UPDATE_ON if update_existing else t.BTN_UPDATE_OFF,
        callback_data=ImportCb(action=ImportAction.TOGGLE_UPDATE, token=token),
    )
    kb.button(text=t.BTN_CANCEL, callback_data=ImportCb(action=ImportAction.CANCEL, token=token))
    kb.adjust(1)
    return text, kb.as_markup(), attachment


def _preview_text(
    plan: ImportPlan, file_name: str, update_existing: bool, note: str | None, summarise: bool
) -> tuple[str, list[str]]:
    """The preview's text and the sections of the file that carries what it only counts."""
    lines = [t.PREVIEW_TITLE.format(name=esc(_cut(file_name)))]
    if note:
        lines.append(note)
    lines += [t.WARNINGS.format(text=esc(w)) for w in plan.warnings]
    details: list[str] = []
    unknown = plan.unknown_columns
    if unknown:
        if summarise or len(unknown) > LIST_INLINE_MAX:
            lines.append(t.WARNINGS.format(text=t.UNKNOWN_COLUMNS_COUNT.format(count=len(unknown))))
            details.append(t.DETAILS_UNKNOWN_COLUMNS + "\n" + "\n".join(unknown))
        else:
            names = ", ".join(f"«{_cut(name)}»" for name in unknown)
            lines.append(t.WARNINGS.format(text=esc(t.UNKNOWN_COLUMNS.format(columns=names))))
    if not plan.ok:
        lines.append(t.PROBLEMS.format(count=len(plan.problems)))
        report = format_problems(plan.problems)
        if summarise or len(report) > REPORT_INLINE_LIMIT:
            lines.append(t.PROBLEMS_IN_FILE)
            details.insert(0, report)
        else:
            lines += ["", esc(report)]
        return "\n".join(lines), details

    lines.append(t.WILL_ADD.format(count=plan.to_add))
    if update_existing:
        lines.append(t.WILL_UPDATE.format(count=plan.to_update))
        if plan.unchanged:
            lines.append(t.WILL_STAY.format(count=plan.unchanged))
    else:
        lines.append(t.EXISTING_SKIPPED)
    if plan.assignments:
        who = [f"{a.name} ({a.email})" if a.name else f"{a.email} — {t.NOT_REGISTERED}" for a in plan.assignments]
        if summarise or len(who) > LIST_INLINE_MAX:
            lines.append(t.ASSIGNMENTS_COUNT.format(devices=plan.assigned, people=len(who)))
            details.append(
                t.DETAILS_ASSIGNMENTS + "\n" + "\n".join(f"{w}: {a.devices}" for w, a in zip(who, plan.assignments))
            )
        else:
            lines.append(t.ASSIGNMENTS)
            lines += [t.ASSIGNMENT.format(count=a.devices, who=esc(w)) for w, a in zip(who, plan.assignments)]
    if plan.invitations:
        lines.append(t.WILL_INVITE.format(count=len(plan.invitations)))
    if plan.due_changes:
        lines.append(t.WILL_CHANGE_DUE.format(count=plan.due_changes))
    if plan.overdue:
        lines.append(t.OVERDUE.format(count=plan.overdue))
    if plan.new_categories:
        names = plan.new_categories
        if summarise or len(names) > LIST_INLINE_MAX:
            lines.append(t.NEW_CATEGORIES_COUNT.format(count=len(names)))
            details.append(t.DETAILS_NEW_CATEGORIES + "\n" + "\n".join(names))
        else:
            lines.append(t.NEW_CATEGORIES.format(names=esc(", ".join(_cut(n) for n in names))))
    if not plan.has_work:
        lines.append(t.NOTHING_TO_DO)
    return "\n".join(lines), details


def _cut(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def import_done(result: ImportResult) -> str:
    text = t.DONE.format(added=result.added, updated=result.updated, assigned=result.assigned)
    if result.unchanged:
        text += t.DONE_UNCHANGED.format(unchanged=result.unchanged)
    if result.due_changed:
        text += t.DONE_DUE_CHANGED.format(count=result.due_changed)
    return text + (t.DONE_INVITED.format(invited=result.invited) if result.invited else "")


def import_notice(devices: list[DeviceLabel]) -> str:
    return t.IMPORT_NOTICE.format(
        devices="\n".join(t.IMPORT_NOTICE_LINE.format(number=d.number, name=esc(d.name)) for d in devices)
    )


def format_problems(problems: Iterable[Problem], limit: int | None = None) -> str:
    """One line per problem, sorted by line (file-level problems first)."""
    ordered = sorted(problems, key=lambda p: (p.line is not None, p.line or 0))
    shown = ordered if limit is None else ordered[:limit]
    out = []
    for p in shown:
        if p.line is not None and p.column:
            out.append(t.REPORT_LINE_COLUMN.format(line=p.line, column=p.column, message=p.message))
        elif p.line is not None:
            out.append(t.REPORT_LINE.format(line=p.line, message=p.message))
        elif p.column:
            out.append(t.REPORT_COLUMN.format(column=p.column, message=p.message))
        else:
            out.append(p.message)
    rest = len(ordered) - len(shown)
    if rest > 0:
        out.append(t.REPORT_MORE.format(count=rest, noun=plural(rest, t.PROBLEM_NOUN)))
    return "\n".join(out)


# --- The command line (`cashbot import`): plain English, not bot texts


def describe_plan(plan: ImportPlan, *, update_existing: bool) -> str:
    """Plain-text summary of a plan for the command line (the bot has its own view)."""
    lines = [f"encoding: {plan.encoding or '-'}"]
    lines += [f"warning: {w}" for w in plan.warnings]
    if plan.unknown_columns:
        lines.append("ignored columns: " + ", ".join(plan.unknown_columns))
    if not plan.ok:
        lines.append(f"problems: {len(plan.problems)} (nothing can be imported)")
        lines.append(format_problems(plan.problems))
        return "\n".join(lines)
    lines.append(f"to add: {plan.to_add}")
    if update_existing:
        lines.append(f"to update: {plan.to_update}")
        lines.append(f"unchanged: {plan.unchanged}")
    else:
        lines.append("existing devices: not updated")
    lines.append(f"to assign: {plan.assigned}")
    lines += [
        f"  {a.email}{' (' + a.name + ')' if a.name else ' (not registered yet)'}: {a.devices}"
        for a in plan.assignments
    ]
    lines.append(f"return dates to change: {plan.due_changes}")
    lines.append(f"overdue (return date already past): {plan.overdue}")
    lines.append(f"to invite: {len(plan.invitations)}")
    lines.append(f"new categories: {len(plan.new_categories)}")
    lines += [f"  {name}" for name in plan.new_categories]
    return "\n".join(lines)


def describe_result(result: ImportResult) -> str:
    """The CLI's line after a write: the same counts, in the same words, as the dry run."""
    return (
        f"applied: added {result.added}, updated {result.updated}, unchanged {result.unchanged}, "
        f"assigned {result.assigned}, return dates changed {result.due_changed}, "
        f"invited {result.invited}, new categories {result.categories_added} "
        "(holders are not notified from the command line)"
    )
