"""The portal behind a real uvicorn server: chunked bodies, odd requests, and a clean server log.

These are the cases a test client cannot show: a body without Content-Length, bytes that are
not valid HTTP text, and what the server prints to its console (where a traceback must never
appear for anything a client sends).
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from pipeline.core import paths
from pipeline.web import store
from pipeline.web.app import MAX_FORM, MAX_REQUEST
from tests.web_util import demo_bytes, first_template, make_inputs, password, write_accounts

CSRF = re.compile(rb'name="csrf" value="([^"]+)"')
VIETNAMESE = "ệ"  # a letter only a Vietnamese page has (in «Cổng nộp biểu mẫu» … «Không»)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`python -m pipeline serve` in a child process; its console goes to log_path."""

    def __init__(self, root: Path, config):
        from datetime import datetime, timedelta

        self.config = config
        accounts_dir = root / "accounts"
        accounts_dir.mkdir()
        write_accounts(accounts_dir, config)
        self.inputs, self.outputs = make_inputs(root, accounts_dir / "accounts.json",
                                                datetime.now() + timedelta(days=3))
        self.port = free_port()
        self.log_path = root / "server.log"
        # the console in a Windows code page (cp1258 cannot write «ộ»): the portal must still speak
        env = {**os.environ, "PYTHONPATH": str(paths.ROOT), "PYTHONIOENCODING": "cp1258", "PYTHONUTF8": "0"}
        self.log = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--inputs", str(self.inputs), "--outputs", str(self.outputs)],
            stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=paths.ROOT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the portal did not start:\n{self.log_path.read_text(errors='replace')}")

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def request(self, method: str, url: str, body=None, headers: dict | None = None,
                cookie: str | None = None) -> tuple[int, dict, bytes]:
        conn = self.connection()
        try:
            headers = dict(headers or {})
            if cookie:
                headers["Cookie"] = cookie
            conn.request(method, url, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def raw(self, data: bytes) -> bytes:
        """Send bytes as they are and stop sending; the answer up to the server closing (or 10 s)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            try:
                s.sendall(data)
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            chunks = []
            try:
                while chunk := s.recv(65536):
                    chunks.append(chunk)
            except OSError:
                pass
            return b"".join(chunks)

    def sign_in(self, code: str) -> tuple[str, str]:
        """(cookie header, CSRF token) of a fresh session of the unit's account."""
        status, headers, body = self.request("GET", "/login")
        cookie = headers["set-cookie"].split(";")[0]
        token = CSRF.search(body).group(1).decode()
        form = f"csrf={token}&username={code.lower()}&password={quote(password(code))}"
        status, headers, _ = self.request("POST", "/login", form, {
            "Content-Type": "application/x-www-form-urlencoded"}, cookie)
        assert status == 303, status
        cookie = headers["set-cookie"].split(";")[0]
        body = self.request("GET", "/", cookie=cookie)[2]
        return cookie, CSRF.search(body).group(1).decode()

    def log_text(self) -> str:
        self.log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory, config):
    running = Server(tmp_path_factory.mktemp("served"), config)
    yield running
    running.stop()


def multipart(boundary: str, token: str, files: list[tuple[bytes, bytes]]) -> bytes:
    """A multipart body: the CSRF field, then (raw Content-Disposition filename, data) parts."""
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{token}\r\n'.encode()]
    for name, data in files:
        parts.append(f"--{boundary}\r\n".encode() + b'Content-Disposition: form-data; name="files"; filename="'
                     + name + b'"\r\nContent-Type: application/octet-stream\r\n\r\n' + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


def chunked(data: bytes, size: int = 1 << 20):
    for i in range(0, len(data), size):
        yield data[i:i + size]


def is_vietnamese_page(body: bytes, error: bool = False) -> bool:
    """A page of the portal; for an error, its message is Vietnamese too (not a library's English)."""
    text = body.decode("utf-8", errors="replace")
    if '<html lang="vi">' not in text or VIETNAMESE not in text:
        return False
    message = re.search(r'<p class="alert bad">(.*?)</p>', text, re.S)
    return not error or bool(message and re.search(r"[^\x00-\x7f]", message.group(1)))


def test_chunked_upload_over_the_limit_gets_a_vietnamese_413(server):
    cookie, token = server.sign_in("VP")
    body = multipart("b0undary", token, [(b"lon.xlsx", b"PK\x03\x04" + b"\0" * (MAX_REQUEST + 1024))])
    conn = server.connection()
    try:
        conn.putrequest("POST", "/upload")
        conn.putheader("Content-Type", "multipart/form-data; boundary=b0undary")
        conn.putheader("Transfer-Encoding", "chunked")
        conn.putheader("Cookie", cookie)
        conn.endheaders()
        try:
            for piece in chunked(body):
                conn.send(b"%x\r\n%s\r\n" % (len(piece), piece))
            conn.send(b"0\r\n\r\n")
        except OSError:  # the server may close once it has answered
            pass
        response = conn.getresponse()
        status, text = response.status, response.read()
    finally:
        conn.close()
    assert status == 413
    assert is_vietnamese_page(text, error=True) and "quá lớn" in text.decode()
    assert f"tối đa {store.MAX_FILES} tệp".encode() in text
    # the same over the limit with a declared length, as a page for a browser and JSON for a script
    status, headers, text = server.request("POST", "/upload", b"x" * 10, {
        "Content-Type": "multipart/form-data; boundary=b", "Content-Length": str(MAX_REQUEST + 1)}, cookie)
    assert status == 413 and is_vietnamese_page(text)
    status, headers, text = server.request("POST", "/upload", b"x" * 10, {
        "Accept": "application/json", "Content-Length": str(MAX_REQUEST + 1)}, cookie)
    assert status == 413 and headers["content-type"].startswith("application/json")
    assert "quá lớn" in text.decode()
    assert "Traceback" not in server.log_text()
    assert not list(server.inputs.rglob("*.xlsx"))


def probes(server, cookie: str, token: str, data: bytes) -> list[tuple[str, int, object]]:
    """(what, expected status, how to send it): odd or hostile requests a client may make."""
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    boundary = {"Content-Type": "multipart/form-data; boundary=xyz"}
    good_file = multipart("xyz", token, [(b"dung.xlsx", data)])

    def send(method, url, body=None, headers=None, with_cookie=True):
        return lambda: server.request(method, url, body, headers, cookie if with_cookie else None)

    def raw(data: bytes):
        def go():
            answer = server.raw(data)
            head, _, body = answer.partition(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
            return status, {}, body
        return go

    return [
        ("unknown page", 404, send("GET", "/khong-co-trang-nay")),
        ("unknown page, not signed in", 404, send("GET", "/abc/def", with_cookie=False)),
        ("wrong method", 405, send("DELETE", "/upload")),
        ("login without CSRF", 403, send("POST", "/login", "username=vp&password=x", form, with_cookie=False)),
        ("login, bad CSRF", 403, send("POST", "/login", "csrf=sai&username=vp&password=x", form)),
        ("login, body over the form limit", 413, send("POST", "/login", "a=" + "b" * MAX_FORM, form)),
        ("login, chunked over the form limit", 413, raw(b"POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                                                         b"chunked\r\nContent-Type: application/x-www-form-urlencoded"
                                                         b"\r\n\r\n" + b"".join(b"4000\r\n" + b"a" * 0x4000 + b"\r\n"
                                                                                for _ in range(5)) + b"0\r\n\r\n")),
        ("login, too many fields", 400, send("POST", "/login", "&".join(f"f{i}=1" for i in range(20)), form)),
        ("upload, a field over 1 MB", 400, send("POST", "/upload", multipart("xyz", "a" * (1 << 21), []), boundary)),
        ("logout, a file instead of fields", 400, send("POST", "/logout",
                                                       multipart("xyz", token, [(b"a.xlsx", b"PK")]), boundary)),
        ("upload, bad CSRF", 403, send("POST", "/upload", multipart("xyz", "sai", [(b"a.xlsx", data)]), boundary)),
        ("upload, not multipart", 400, send("POST", "/upload", f"csrf={token}", form)),
        ("upload, malformed multipart", 400, send("POST", "/upload", b"--xyz\r\nrac rac\r\n\r\n", boundary)),
        ("upload, boundary missing", 400, send("POST", "/upload", b"--\r\n", {"Content-Type": "multipart/form-data"})),
        ("upload, truncated multipart", 400, send("POST", "/upload", good_file[: len(good_file) // 2], boundary)),
        ("upload, header without end (no CSRF field)", 403, send("POST", "/upload", b"--xyz\r\nContent-Disposition: form-data",
                                                 boundary)),
        ("upload, invalid UTF-8 file name", 303, send("POST", "/upload",
                                                      multipart("xyz", token, [(b"\xff\xfe\xc3(.xlsx", data)]), boundary)),
        ("upload, NUL and slashes in file name", 303, send("POST", "/upload",
                                                           multipart("xyz", token, [(b"..\\..\\a\x00b.exe", data)]),
                                                           boundary)),
        ("upload, too many fields", 400, send("POST", "/upload", "&".join(f"f{i}=1" for i in range(50)) + f"&csrf={token}",
                                              form)),
        ("upload, bad Content-Length", 400, raw(b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")),
        ("login, body shorter than declared, then gone", None, raw(b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                                      b"application/x-www-form-urlencoded\r\nContent-Length: 100\r\n"
                                                      b"Connection: close\r\n\r\nusername=a")),
        ("form with invalid UTF-8", 403, send("POST", "/login", b"csrf=%FF%FE&username=\xff\xfe", form)),
        ("huge header", 431, send("GET", "/", headers={"X-Rac": "a" * 60_000})),
        ("many headers", 431, send("GET", "/", headers={f"X-H{i}": "b" * 100 for i in range(500)})),
        ("path traversal, submission", 404, send("GET", "/submissions/..%2F..%2Fcommune.toml/file")),
        ("path traversal, dots", 404, send("GET", "/submissions/%2E%2E/%2E%2E/accounts.json")),
        ("path traversal, output", 404, send("GET", "/submissions/20260101T000000000000_VP_00000000.xlsx/outputs/"
                                                    "..%2F..%2Faccounts.json")),
        ("path traversal, product", 403, send("GET", "/outputs/..%2F..%2Finputs%2Faccounts.json")),
        ("path traversal, static", 404, send("GET", "/static/..%2F..%2Fapp.py")),
        ("NUL in path", 404, send("GET", "/submissions/a%00b.xlsx")),
        ("invalid UTF-8 in path", 404, send("GET", "/submissions/%FF%FE.xlsx/file")),
        ("invalid UTF-8 in query", 200, send("GET", "/?q=%FF%FE")),
        ("forged session cookie", 303, lambda: server.request("GET", "/", cookie="phien=rac.rac.rac")),
        ("template that does not exist", 404, send("GET", "/templates/..%2Fcommune")),
        ("board file, not a number", 403, send("GET", "/board/files/%FF")),
        ("malformed Range", 400, send("GET", "/static/style.css", headers={"Range": "bytes=abc"})),
        ("Range beyond the file", 416, send("GET", "/static/style.css", headers={"Range": "bytes=999999-"})),
        ("OPTIONS", 405, send("OPTIONS", "/")),
        ("a 100 KB path", 404, send("GET", "/" + "a" * 100_000)),
        ("HEAD of an unknown page", 404, send("HEAD", "/khong-co")),
        ("chunked body with a bad chunk size", 400, raw(b"POST /login HTTP/1.1\r\nHost: x\r\n"
                                                        b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n")),
        ("Content-Length twice, different", 400, raw(b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
                                                     b"Content-Length: 2\r\n\r\nab")),
        ("HTTP/1.0 without Host", 404, raw(b"GET /khong-co HTTP/1.0\r\n\r\n")),
        ("header line without a colon", 400, raw(b"GET / HTTP/1.1\r\nHost: x\r\nkhong co dau hai cham\r\n\r\n")),
        ("a request line that is not HTTP", 400, raw(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n")),
    ]


def test_odd_requests_get_vietnamese_pages_and_no_traceback(server):
    cookie, token = server.sign_in("VP")
    data = demo_bytes(server.config, "VP", first_template(server, "VP"))
    wrong = []
    for what, expected, go in probes(server, cookie, token, data):
        status, headers, body = go()
        if expected is None:  # the client left: nothing to answer, nothing to log but a line
            right = status == 0 or (status == 400 and is_vietnamese_page(body))
        elif expected == 303:
            right = status == 303 and headers.get("location", "").startswith(
                "/result/" if what.startswith("upload") else "/login")  # an upload: its result's URL
        else:
            right = status == expected and (what.startswith("HEAD") or is_vietnamese_page(body, expected >= 400))
        if not right:
            wrong.append(f"{what}: {status} (expected {expected}) {body[:120]!r}")
    log = server.log_text()
    assert not wrong, "\n".join(wrong)
    assert "Traceback" not in log, log[-4000:]
    # the portal still serves after all that
    assert server.request("GET", "/", cookie=cookie)[0] == 200



def _memory_kib(pid: int, field: str) -> int:
    """VmRSS / VmHWM (peak) of a process, in KiB, from Linux's /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux's /proc to read a process's peak memory")
def test_a_burst_of_sign_ins_is_throttled_and_costs_bounded_memory(tmp_path, config):
    """40 simultaneous wrong sign-ins from one computer: each password check holds argon2's memory,
    so at most PASSWORD_CHECKS run at once and attempts in flight count against the pause."""
    from concurrent.futures import ThreadPoolExecutor

    from pipeline.web.portal import CLIENT_TRIES, PASSWORD_CHECKS

    running = Server(tmp_path, config)
    try:
        status, headers, body = running.request("GET", "/login")
        cookie, token = headers["set-cookie"].split(";")[0], CSRF.search(body).group(1).decode()
        before = _memory_kib(running.process.pid, "VmHWM")

        def attempt(i: int) -> int:
            form = f"csrf={token}&username=ten-{i}&password=sai-mat-khau-{i}"
            return running.request("POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"},
                                   cookie)[0]

        with ThreadPoolExecutor(40) as pool:
            answers = list(pool.map(attempt, range(40)))
        grown_mib = (_memory_kib(running.process.pid, "VmHWM") - before) / 1024
        assert set(answers) <= {401, 429, 503}, answers
        assert answers.count(401) <= CLIENT_TRIES  # never more checks than the pause allows, in flight or not
        assert answers.count(429) + answers.count(503) >= 40 - CLIENT_TRIES
        # argon2's 19 MiB per check, PASSWORD_CHECKS at once (was 64 MiB × every attempt: gigabytes)
        assert grown_mib < 40 * PASSWORD_CHECKS + 60, f"{grown_mib:.0f} MiB"
        assert "Traceback" not in running.log_text()
    finally:
        running.stop()
