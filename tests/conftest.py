from tests.double.fixtures import *  # noqa: F401,F403  (api, bot, bot_factory)
