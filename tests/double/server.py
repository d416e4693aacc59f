"""HTTP front of the Bot API double: a real aiohttp server on 127.0.0.1, in its own thread.

    with BotApiDouble() as api:
        bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api.base_url)))

Routes (like api.telegram.org): `/bot<token>/<method>` (GET/POST; query string,
urlencoded, multipart, JSON) and `/file/bot<token>/<file_path>`.

Everything not defined here (user(), calls(), commands(), wait_polling(), ...) is delegated
to the shared `FakeTelegram` core, available as `.telegram`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import threading
from typing import Any

from aiohttp import web

from .core import DEFAULT_TOKEN, FakeTelegram, InputFileData, TelegramError
from .webhook import WebhookDelivery

__all__ = ["BotApiDouble"]

_MAX_BODY = 60 * 1024 * 1024  # Telegram accepts uploads up to 50 MB


def _dumps(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


class BotApiDouble:
    """A local Telegram Bot API server backed by a `FakeTelegram`."""

    def __init__(
        self,
        telegram: FakeTelegram | None = None,
        *,
        token: str = DEFAULT_TOKEN,
        host: str = "127.0.0.1",
        port: int = 0,
        **core_options: Any,
    ) -> None:
        self.telegram = telegram or FakeTelegram(token=token, **core_options)
        self.token = self.telegram.default_token
        self._host = host
        self._port = port
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        # long polls block in the core; they wait here, not on the event loop
        self._pollers = concurrent.futures.ThreadPoolExecutor(max_workers=32, thread_name_prefix="bot-api-double-poll")
        self.port: int | None = None
        # posts updates once a bot sets a webhook (workers start on the first setWebhook)
        self.telegram.on_webhook = WebhookDelivery(self.telegram).start
        self._holds: list[Hold] = []

    # ---------------------------------------------------------------- lifecycle

    @property
    def base_url(self) -> str:
        """For aiogram: `TelegramAPIServer.from_base(api.base_url)`."""
        if self.port is None:
            raise RuntimeError("BotApiDouble is not started")
        return f"http://{self._host}:{self.port}"

    def start(self) -> BotApiDouble:
        if self._thread is not None:
            return self
        self._thread = threading.Thread(target=self._serve, name="bot-api-double", daemon=True)
        self._thread.start()
        self._ready.wait(10)
        if self._startup_error is not None:
            raise RuntimeError("BotApiDouble failed to start") from self._startup_error
        if self.port is None:
            raise RuntimeError("BotApiDouble did not start within 10 s")
        return self

    def stop(self) -> None:
        if self._thread is None:
            return
        self.telegram.close()  # long polls return at once
        loop = self._loop
        if loop is not None and loop.is_running():
            loop.call_soon_threadsafe(loop.stop)
        self._thread.join(10)
        self._pollers.shutdown(wait=False, cancel_futures=True)
        self._thread = None

    def __enter__(self) -> BotApiDouble:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __getattr__(self, name: str) -> Any:
        # user(), calls(), wait_call(), commands(), wait_polling(), poll_count(),
        # inject_error(), set_flood_control(), pending_updates(), callback_answer(), ...
        if name.startswith("__") or name == "telegram":
            raise AttributeError(name)
        return getattr(self.telegram, name)

    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            app = web.Application(client_max_size=_MAX_BODY)
            app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
            app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
            self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
            loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, self._host, self._port)
            loop.run_until_complete(site.start())
            self.port = self._runner.addresses[0][1]
        except BaseException as e:  # noqa: BLE001 - reported by start()
            self._startup_error = e
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

    # ---------------------------------------------------------------- handlers

    @staticmethod
    def _reply(result: Any = None, error: TelegramError | None = None) -> web.Response:
        if error is not None:
            return web.Response(
                text=_dumps(error.to_response()), status=error.error_code, content_type="application/json"
            )
        return web.Response(text=_dumps({"ok": True, "result": result}), content_type="application/json")

    async def _read_params(self, request: web.Request) -> dict:
        params: dict[str, Any] = dict(request.query)
        if request.method != "POST" or not request.can_read_body:
            return params
        ctype = request.content_type
        if ctype == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise TelegramError(400, "Bad Request: can't parse JSON encoded request") from None
            if not isinstance(body, dict):
                raise TelegramError(400, "Bad Request: can't parse JSON encoded request")
            params.update(body)
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            files: dict[str, InputFileData] = {}
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = InputFileData(value.filename, value.file.read(), value.content_type)
                else:
                    params[key] = value
            # "attach://<name>" refers to a part of the same request
            for key, value in list(params.items()):
                if isinstance(value, str) and value.startswith("attach://"):
                    part = files.get(value[len("attach://") :])
                    if part is not None:
                        params[key] = part
            for key, part in files.items():  # file sent directly as the parameter
                if key not in params:
                    params[key] = part
        return params

    async def _handle_method(self, request: web.Request) -> web.Response:
        loop_time = asyncio.get_running_loop().time
        token = request.match_info["token"]
        method = request.match_info["method"]
        try:
            params = await self._read_params(request)
            await self._wait_if_held(method, params)
            stall = self.telegram.take_stall(method, params)
            if stall is not None:  # until the time is up or the bot hangs up (killed)
                deadline = loop_time() + stall[0]
                while loop_time() < deadline and request.transport is not None and not request.transport.is_closing():
                    await asyncio.sleep(0.05)
                raise stall[1]
            if method.lower() == "getupdates" and params.get("timeout") not in (None, "", 0, "0"):
                loop = asyncio.get_running_loop()
                result = await loop.run_in_executor(self._pollers, self.telegram.call, token, method, params)
            else:
                result = self.telegram.call(token, method, params)
        except TelegramError as e:
            return self._reply(error=e)
        return self._reply(result)

    def hold(self, method: str, *, chat_id: int | None = None) -> Hold:
        """The next call of `method` (to `chat_id`, if given) waits until `release()`: a
        handler stays in flight as long as a test needs (e.g. across a SIGTERM)."""
        held = Hold(method.lower(), chat_id)
        self._holds.append(held)
        return held

    async def _wait_if_held(self, method: str, params: dict) -> None:
        for held in self._holds:
            if held.method == method.lower() and (
                held.chat_id is None or str(params.get("chat_id")) == str(held.chat_id)
            ):
                self._holds.remove(held)
                held.reached.set()
                await asyncio.get_running_loop().run_in_executor(None, held.released.wait, 60)
                return

    async def _handle_file(self, request: web.Request) -> web.Response:
        try:
            data = self.telegram.download(request.match_info["token"], request.match_info["path"])
        except TelegramError as e:
            return self._reply(error=e)
        return web.Response(body=data, content_type="application/octet-stream")


class Hold:
    """One held call: `reached` is set when it arrives, it goes on after `release()`."""

    def __init__(self, method: str, chat_id: int | None) -> None:
        self.method, self.chat_id = method, chat_id
        self.reached = threading.Event()
        self.released = threading.Event()

    def wait_reached(self, timeout: float = 30) -> None:
        assert self.reached.wait(timeout), f"no {self.method} call to hold within {timeout:g} s"

    def release(self) -> None:
        self.released.set()
