"""Category management (admins): list with counts, add, rename, delete an empty one.

Other flows (/add, /categories) show a button CategoryAdminCb(action=CategoryAdminAction.LIST) that leads here."""

from __future__ import annotations

from aiogram import F
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from cashbot.callbacks import CategoryAdminAction, CategoryAdminCb
from cashbot.context import Context
from cashbot.db.database import Db
from cashbot.filters import TYPED, Admin
from cashbot.handlers.card import safe_edit
from cashbot.routing import Blueprint
from cashbot.services import catalog, categories
from cashbot.services.errors import BadValue, CategoryExists, CategoryNotEmpty, CategoryNotFound
from cashbot.states import CategoryEdit
from cashbot.texts import categories as t
from cashbot.texts.common import esc
from cashbot.views.categories import categories_list
from cashbot.views.format import field_problem

router = Blueprint(name="categories_admin")
router.message.filter(Admin())
router.callback_query.filter(Admin())


async def _list(db: Db, note: str | None = None):
    return categories_list(await db.run(categories.list_categories), note)


@router.callback_query(CategoryAdminCb.filter(F.action == CategoryAdminAction.LIST))
async def show(callback: CallbackQuery, ctx: Context) -> None:
    """A new message: the button lives on other flows' messages, which stay as they are."""
    db = ctx.db
    text, markup = await _list(db)
    await callback.message.answer(text, reply_markup=markup)
    await callback.answer()


@router.callback_query(CategoryAdminCb.filter(F.action.in_({CategoryAdminAction.ADD, CategoryAdminAction.RENAME})))
async def ask_name(callback: CallbackQuery, callback_data: CategoryAdminCb, state: FSMContext, ctx: Context) -> None:
    db = ctx.db
    category_id = callback_data.category_id if callback_data.action == CategoryAdminAction.RENAME else 0
    name = await db.run(catalog.category_name, category_id) if category_id else None
    if category_id and name is None:
        await callback.answer(t.CATEGORY_GONE, show_alert=True)
        return
    await state.set_state(CategoryEdit.name)
    await state.update_data(category_id=category_id)
    await callback.message.answer(t.ASK_CATEGORY_RENAME.format(name=esc(name)) if name else t.ASK_CATEGORY_NAME)
    await callback.answer()


@router.message(StateFilter(CategoryEdit.name), TYPED)
async def name_given(message: Message, state: FSMContext, ctx: Context) -> None:
    viewer, db, clock = ctx.me, ctx.db, ctx.clock
    category_id = (await state.get_data()).get("category_id", 0)
    try:
        if category_id:
            old, new = await db.run(
                categories.rename_category, category_id, message.text, actor_id=viewer.person_id, now=clock.now()
            )
            note = t.CATEGORY_RENAMED.format(old=esc(old), new=esc(new))
        else:
            category = await db.run(categories.add_category, message.text, actor_id=viewer.person_id, now=clock.now())
            note = t.CATEGORY_ADDED.format(name=esc(category.name))
    except CategoryExists as error:
        await message.answer(t.CATEGORY_EXISTS.format(name=esc(error.name)))
        return
    except BadValue as error:
        await message.answer(esc(field_problem(error)) + "\n" + t.SEND_OTHER)
        return
    except CategoryNotFound:
        note = t.CATEGORY_GONE
    await state.set_state(None)
    text, markup = await _list(db, note)
    await message.answer(text, reply_markup=markup)


@router.message(StateFilter(CategoryEdit.name))
async def send_text_please(message: Message) -> None:
    await message.answer(t.SEND_TEXT)


@router.callback_query(CategoryAdminCb.filter(F.action == CategoryAdminAction.DELETE))
async def delete(callback: CallbackQuery, callback_data: CategoryAdminCb, ctx: Context) -> None:
    viewer, db, clock = ctx.me, ctx.db, ctx.clock
    try:
        name = await db.run(
            categories.delete_category, callback_data.category_id, actor_id=viewer.person_id, now=clock.now()
        )
    except CategoryNotEmpty as error:
        refusal = t.CATEGORY_NOT_EMPTY.format(count=error.devices) if error.devices else t.CATEGORY_HAS_HISTORY
        await callback.answer(refusal, show_alert=True)
        return
    except CategoryNotFound:
        await callback.answer(t.CATEGORY_GONE, show_alert=True)
        return
    await safe_edit(callback.message, *await _list(db, t.CATEGORY_DELETED.format(name=esc(name))))
    await callback.answer()
