"""The HTTP server in front of the app, as `qhfin serve` runs it (waitress with the service's channel): raw
requests over a socket, since an HTTP client library would tidy up exactly what these tests send."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.wire import ascii_request_line

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import hostile  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _send(port: int, raw: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(raw)
        s.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


@pytest.fixture(scope="module")
def served(app) -> Iterator[int]:
    """`qhfin serve` on this session's build, on a free loopback port."""
    port = _free_port()
    env = dict(os.environ, QHFIN_BUILD_DIR=str(app.extensions["qhfin"].config.build_dir), QHFIN_REQUEST_DEADLINE="2",
               QHFIN_BASE_URL="https://qhfin.example.gov.cn/kg/")
    process = subprocess.Popen([sys.executable, "-m", "qhfin.cli", "serve", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if _send(port, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: t\r\n\r\n")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(f"qhfin serve did not answer: {process.stderr.read1().decode() if process.stderr else ''}")
        yield port
    finally:
        process.terminate()
        process.communicate(timeout=30)  # and its stderr pipe closed


def test_chinese_typed_into_the_url_is_read_as_the_browser_would_send_it(served):
    """`curl 'http://…/api/measures?theme=乡村振兴'` sends the characters as raw UTF-8; the answer is the same as
    for the percent-encoded URL a browser sends, not a bare "Bad URI"."""
    raw = "GET /api/measures?theme=乡村振兴 HTTP/1.1\r\nHost: t\r\n\r\n".encode()
    encoded = b"GET /api/measures?theme=%E4%B9%A1%E6%9D%91%E6%8C%AF%E5%85%B4 HTTP/1.1\r\nHost: t\r\n\r\n"
    status, _, body = _send(served, raw)
    assert status == 200, body[:300]
    assert json.loads(body) == json.loads(_send(served, encoded)[2])
    assert json.loads(body)["count"] > 0
    status, _, body = _send(served, "GET /id/theme/乡村振兴 HTTP/1.1\r\nHost: t\r\nAccept: application/json\r\n\r\n"
                            .encode())
    assert status == 404 and json.loads(body)["error"]["status"] == 404  # reached the app, which said why


@pytest.mark.parametrize(("raw", "status"), [
    (b"GET /a b c HTTP/1.1\r\nHost: t\r\n\r\n", 400),                       # a request line that does not parse
    (b"GET /sparql HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", 501),  # an encoding waitress lacks
    (b"GET /sparql HTTP/1.1\r\nHost: t\r\nContent-Length: x\r\n\r\n", 400),
    (b"GET /sparql HTTP/1.1\r\nHost: t\r\n" + b"X-Big: " + b"a" * 262_144 + b"\r\n\r\n", 431),  # headers > 256 KiB
    (b"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
])
def test_the_servers_own_refusals_speak_the_services_error_shape(served, raw, status):
    got, headers, body = _send(served, raw)
    assert got == status
    assert headers["content-type"].startswith("application/json")
    error = json.loads(body)["error"]
    assert error["status"] == status and error["message"]["zh"] and error["message"]["en"]


def test_the_request_line_is_encoded_byte_for_byte():
    assert ascii_request_line("GET /q?x=乡 HTTP/1.1".encode()) == b"GET /q?x=%E4%B9%A1 HTTP/1.1"
    assert ascii_request_line(b"GET /q?x=%E4 HTTP/1.1") == b"GET /q?x=%E4 HTTP/1.1"  # ASCII left exactly as sent
    assert ascii_request_line("GET /?q=青".encode("gbk")) == b"GET /?q=%C7%E0"  # bytes, whatever their encoding


def test_ready_in_counts_from_the_start_of_the_process():
    """"ready in N s" is what a user timing the command sees: the interpreter's start and the imports included."""
    code = "import time; time.sleep(0.4); from qhfin.serve import process_start; print(time.monotonic() - process_start())"
    age = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True).stdout)
    assert 0.4 <= age < 30


def _open(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=30)


def _read_response(s: socket.socket) -> tuple[int, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next((line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")), b"0"))
    while len(body) < length and (chunk := s.recv(65536)):
        body += chunk
    return int(head.split()[1]), body


def test_a_refused_oversized_header_is_read_not_reset(served):
    """A 300 KB header sent by a client that keeps sending: it reads its 431, not a connection reset."""
    with _open(served) as s:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the server may stop reading early
            s.sendall(b"GET /sparql HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 300_000 + b"\r\n\r\n")
        status, body = _read_response(s)
    assert status == 431 and json.loads(body)["error"]["status"] == 431


def test_a_request_that_never_finishes_arriving_gets_a_408(served):
    with _open(served) as s:
        s.sendall(b"GET /api/measures HTTP/1.1\r\nHost: t\r\n")  # the blank line never comes
        started = time.monotonic()
        status, body = _read_response(s)
    assert status == 408 and 1.5 < time.monotonic() - started < 10
    assert json.loads(body)["error"]["message"]["zh"]


def test_slow_clients_cannot_starve_a_normal_request(served):
    """260 connections sending a byte at a time (the probe's run held every slot for 40 s): a normal request
    is still answered within 2 s (the run of ``bench/hostile.py``, short)."""
    timings = hostile.slow_run(served, seconds=3)
    assert timings and max(timings) < 2, timings


def test_generated_links_use_the_configured_address_not_the_host_header(served):
    evil = b"Host: evil.example\r\n"
    for path, accept in ((b"/sparql", b"text/turtle"), (b"/.well-known/void", b"text/turtle"),
                         (b"/api/openapi.json", b"application/json")):
        status, _, body = _send(served, b"GET " + path + b" HTTP/1.1\r\n" + evil + b"Accept: " + accept +
                                b"\r\nConnection: close\r\n\r\n")
        assert status == 200 and b"evil.example" not in body
        assert b"https://qhfin.example.gov.cn/kg" in body
