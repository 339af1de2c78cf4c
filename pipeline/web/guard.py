"""What stands between the network and the portal's pages: limits, headers, errors, sign-in throttle.

- `Guard` (the outermost ASGI middleware): security headers on every response; a Vietnamese 413
  for a body over the limit, declared (Content-Length) or streamed (chunked); 431 for oversized
  headers; and no exception ever reaching the server: it is written with its traceback to the
  system log (outputs/logs/nhat_ky.log) and the client gets a Vietnamese 500 page.
- `protocol(page)`: uvicorn's HTTP/1.1 protocol whose answer to a request the HTTP parser refuses
  is a Vietnamese page rather than uvicorn's English text.
- `Throttle`: sign-in attempts counted per key (user name, client address) in a sliding window,
  bounded in size; entries expire oldest first and an active pause is never lifted to make room.
  An attempt counts from the moment it starts (in flight), and is taken back when it succeeds.
- `Slots`: at most `size` costly checks (password hashes) at once and at most `queue` waiting, so
  a burst of sign-ins costs bounded memory and time; beyond that the answer is «busy» at once.
- `ShortConsole`: the console shows one line per logged error; the traceback goes to the log file.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

log = logging.getLogger("pipeline.web")
MAX_HEADER_BYTES = 32 * 1024  # all request headers together
MAX_HEADERS = 100
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; style-src 'self'; "
                                 b"script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
]
# page(status, message) -> the HTML of a Vietnamese error page (no user, no session)
Page = Callable[[int, str], str]


class TooLarge(Exception):
    """The request body passed the limit."""


def wants_json(headers: list[tuple[bytes, bytes]]) -> bool:
    accept = dict(headers).get(b"accept", b"").decode("latin-1").lower()
    return "application/json" in accept and "text/html" not in accept


def error_response(page: Page, status: int, message: str, as_json: bool) -> tuple[list, bytes]:
    """(headers, body) of an error answer: a Vietnamese page, or JSON for a script asking for it."""
    if as_json:
        body, kind = json.dumps({"status": status, "message": message}, ensure_ascii=False), b"application/json"
    else:
        body, kind = page(status, message), b"text/html; charset=utf-8"
    data = body.encode("utf-8")
    headers = [(b"content-type", kind), (b"content-length", str(len(data)).encode()),
               (b"cache-control", b"no-store"), (b"connection", b"close"), *SECURITY_HEADERS]
    return headers, data


class Guard:
    """limits: path -> (largest body in bytes, the Vietnamese 413 message); every other path
    takes `default` (a sign-in form needs a few hundred bytes, not the upload's megabytes)."""

    def __init__(self, app, page: Page, messages: dict[int, str], limits: dict[str, tuple[int, str]],
                 default: tuple[int, str]):
        self.app, self.page, self.messages = app, page, messages
        self.limits, self.default = limits, default

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = scope["headers"]
        as_json = wants_json(headers)

        async def answer(status: int, message: str) -> None:
            extra, body = error_response(self.page, status, message, as_json)
            await send({"type": "http.response.start", "status": status, "headers": extra})
            await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})

        if len(headers) > MAX_HEADERS or sum(len(k) + len(v) for k, v in headers) > MAX_HEADER_BYTES:
            return await answer(431, self.messages[431])
        limit, too_large = self.limits.get(scope["path"], self.default)
        declared = dict(headers).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return await answer(413 if declared.isdigit() else 400,
                                too_large if declared.isdigit() else self.messages[400])
        seen, started, replaced = 0, False, False

        async def limited():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise TooLarge
            return message

        async def marked(message):
            nonlocal started, replaced
            if replaced:
                return  # the library's own error text is dropped
            if message["type"] == "http.response.start":
                started = True
                kind = dict(message.get("headers", [])).get(b"content-type", b"")
                if message["status"] >= 400 and not kind.startswith((b"text/html", b"application/json")):
                    replaced = True  # a library's plain English error (e.g. a bad Range): ours instead
                    status = message["status"]
                    return await answer(status, self.messages.get(status, self.messages[400]))
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *(h for h in SECURITY_HEADERS if h[0] not in names)]
                if b"cache-control" not in names:
                    message["headers"].append((b"cache-control", b"no-store"))
            await send(message)

        try:
            await self.app(scope, limited, marked)
        except TooLarge:
            log.info("refused a body over %s bytes: %s %s", limit, scope["method"], scope["path"])
            if not started:
                await answer(413, too_large)
        except ClientDisconnect:
            log.info("the client went away during %s %s", scope["method"], scope["path"])
        except Exception:
            log.exception("unexpected error on %s %s", scope["method"], scope["path"])
            if not started:
                await answer(500, self.messages[500])


def protocol(page: Page, message: str):
    """uvicorn's h11 protocol, answering a request its parser refuses with a Vietnamese page."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class Protocol(H11Protocol):
        def send_400_response(self, msg: str) -> None:
            headers, body = error_response(page, 400, message, as_json=False)
            self.transport.write(self.conn.send(h11.Response(status_code=400, headers=headers,
                                                             reason=b"Bad Request")))
            self.transport.write(self.conn.send(h11.Data(data=body)))
            self.transport.write(self.conn.send(h11.EndOfMessage()))
            self.transport.close()

    return Protocol


class Throttle:
    """Failed attempts per key within the last `window` seconds, for at most `size` keys.

    A key with `tries` failures in the window is paused until the oldest of them leaves it.
    Keys are kept in order of their last failure, so expired ones are dropped from the front;
    when every one of the `size` keys is still live, nothing is dropped and every key is paused
    until room frees up (a flood of names cannot lift an active pause).
    """

    def __init__(self, tries: int, window: float, size: int, clock: Callable[[], float] = time.monotonic):
        self.tries, self.window, self.size, self.clock = tries, window, size, clock
        self.failures: OrderedDict[str, list[float]] = OrderedDict()

    def _expire(self, now: float) -> None:
        while self.failures:
            key, times = next(iter(self.failures.items()))
            if now - times[-1] < self.window:
                break
            del self.failures[key]

    def _live(self, key: str, now: float) -> list[float]:
        return [t for t in self.failures.get(key, []) if now - t < self.window]

    def paused(self, key: str) -> bool:
        now = self.clock()
        self._expire(now)
        return len(self._live(key, now)) >= self.tries or \
            (key not in self.failures and len(self.failures) >= self.size)

    def fail(self, key: str) -> None:
        now = self.clock()
        self._expire(now)
        if key not in self.failures and len(self.failures) >= self.size:
            return  # full of live keys: paused() holds everyone until room frees up
        times = self._live(key, now)[-(self.tries - 1):] if self.tries > 1 else []
        self.failures.pop(key, None)
        self.failures[key] = [*times, now]

    def forget(self, key: str) -> None:
        self.failures.pop(key, None)

    def take_back(self, key: str) -> None:
        """Remove the key's latest attempt (one counted when it started, then succeeded or was not made)."""
        times = self.failures.get(key)
        if times:
            times.pop()
            if not times:
                del self.failures[key]


class Busy(Exception):
    """Every slot is taken and the queue is full: answer «busy» now rather than wait."""


class Slots:
    """Run a blocking function in a thread, at most `size` at once and at most `queue` waiting."""

    def __init__(self, size: int, queue: int):
        self.size, self.queue = size, queue
        self.waiting = self.running = self.peak = 0
        self._free: asyncio.Semaphore | None = None

    async def run(self, fn: Callable, *args):
        if self._free is None:
            self._free = asyncio.Semaphore(self.size)
        if self.waiting >= self.queue:
            raise Busy
        self.waiting += 1
        try:
            await self._free.acquire()
        finally:
            self.waiting -= 1
        self.running += 1
        self.peak = max(self.peak, self.running)
        try:
            return await run_in_threadpool(fn, *args)
        finally:
            self.running -= 1
            self._free.release()


class ShortConsole(logging.Formatter):
    """One line per record on the console; a traceback is named, not printed (it is in the log file)."""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info = record.exc_text = record.stack_info = None
        try:
            line = super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved
        if saved[0]:
            line += f" ({saved[0][0].__name__}; chi tiết trong nhật ký hệ thống)"
        return line
