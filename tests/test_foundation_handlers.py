"""Handler level: the first conversation through Dispatcher.feed_update."""


async def test_stranger_is_asked_for_email_then_registered_in_open_mode(make_env):
    env = make_env(access={"mode": "open"})
    alice = env.user(101, "Алиса")
    replies = await env.send(alice, "/start")
    assert "рабочую почту" in replies[-1].text
    replies = await env.send(alice, "not-an-email@")
    assert "не похоже на адрес" in replies[-1].text
    replies = await env.send(alice, "Alice@Example.ru")
    assert "зарегистрированы" in replies[-1].text
    replies = await env.send(alice, "/help")
    assert "/mine" in replies[-1].text and "/add" not in replies[-1].text


async def test_pending_person_can_only_get_help(handler_env):
    bob = handler_env.user(102, "Борис")
    await handler_env.send(bob, "49")
    replies = await handler_env.send(bob, "bob@example.ru")
    assert "Заявка отправлена" in replies[-1].text
    replies = await handler_env.send(bob, "/all")
    assert "на рассмотрении" in replies[-1].text
    replies = await handler_env.send(bob, "/help")
    assert "зарегистрируйтесь" in replies[-1].text
