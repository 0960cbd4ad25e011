"""The doors of the running assistant (``python -m bot run``): Rasa's HTTP API and the action
server refuse callers without their tokens, the REST channel refuses requests it cannot
attribute to a conversation, and a body over the upload limit is refused before it is read."""
from __future__ import annotations

import asyncio
import json
import socket
from typing import Any
from urllib.parse import urlencode, urlsplit

import aiohttp
import pytest

from tests.e2e.conftest import RunningAssistant

SENDER = "e2e-security"
# What an attacker would send: load a model from their server (CVE-2024-49375 class), forge events.
MODEL_FROM_ELSEWHERE = {"model_server": {"url": "http://127.0.0.1:9/attacker/model.tar.gz"}}
FORGED_EVENTS = [{"event": "slot", "name": "pay_confirmed", "value": True}]

API_CALLS: list[tuple[str, str, Any]] = [
    ("GET", f"/conversations/{SENDER}/tracker", None),
    ("POST", f"/conversations/{SENDER}/tracker/events", FORGED_EVENTS),
    ("PUT", f"/conversations/{SENDER}/tracker/events", FORGED_EVENTS),
    ("POST", f"/conversations/{SENDER}/execute", {"name": "action_logout"}),
    ("POST", f"/conversations/{SENDER}/trigger_intent", {"name": "EXTERNAL_notices"}),
    ("POST", f"/conversations/{SENDER}/messages", {"text": "你好", "sender": "user"}),
    ("GET", f"/conversations/{SENDER}/story", None),
    ("PUT", "/model", MODEL_FROM_ELSEWHERE),
    ("DELETE", "/model", None),
    ("POST", "/model/parse", {"text": "你好"}),
    ("GET", "/domain", None),
    ("GET", "/status", None),
]


async def _request(method: str, url: str, body: Any = None, **kwargs: Any) -> tuple[int, str]:
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"} if data is not None else {}
    async with aiohttp.ClientSession() as http, http.request(method, url, data=data, headers=headers,
                                                             **kwargs) as reply:
        return reply.status, await reply.text()


def _call(method: str, url: str, body: Any = None, **kwargs: Any) -> tuple[int, str]:
    return asyncio.run(_request(method, url, body, **kwargs))


@pytest.mark.parametrize(("method", "path", "body"), API_CALLS, ids=[f"{m} {p}" for m, p, _ in API_CALLS])
def test_the_http_api_refuses_callers_without_the_token(
    assistant: RunningAssistant, method: str, path: str, body: Any
) -> None:
    status, _ = _call(method, f"{assistant.rasa_url}{path}", body)
    assert status in (401, 403)
    status, _ = _call(method, f"{assistant.rasa_url}{path}?{urlencode({'token': 'not-the-token'})}", body)
    assert status in (401, 403)


def test_the_http_api_answers_with_the_token_and_kept_its_model(assistant: RunningAssistant) -> None:
    token = urlencode({"token": assistant.api_token})
    status, text = _call("GET", f"{assistant.rasa_url}/conversations/{SENDER}/tracker?{token}")
    assert status == 200 and json.loads(text)["sender_id"] == SENDER
    status, text = _call("GET", f"{assistant.rasa_url}/status?{token}")
    assert status == 200 and json.loads(text)["model_file"]  # DELETE/PUT /model above changed nothing


def test_the_action_server_refuses_calls_without_its_token(assistant: RunningAssistant) -> None:
    call = {"next_action": "action_logout", "sender_id": SENDER, "tracker": {"sender_id": SENDER, "events": []},
            "domain": {}, "version": "3.6.2"}
    assert _call("POST", f"{assistant.action_url}/webhook", call)[0] == 401
    assert _call("POST", f"{assistant.action_url}/webhook?token=guess", call)[0] == 401
    assert _call("GET", f"{assistant.action_url}/actions")[0] == 401
    assert _call("GET", f"{assistant.action_url}/health")[0] == 200


@pytest.mark.parametrize("body", [{"message": "你好"}, {"sender": "", "message": "你好"}, {"sender": 7, "message": "x"},
                                  {"sender": "s" * 129, "message": "x"}, {"sender": SENDER, "message": 5}])
def test_the_rest_channel_refuses_what_names_no_conversation(assistant: RunningAssistant, body: Any) -> None:
    status, text = _call("POST", f"{assistant.rasa_url}/webhooks/rest/webhook", body)
    assert status == 400 and json.loads(text)["error"]


def test_the_rest_channel_refuses_a_body_that_is_not_json(assistant: RunningAssistant) -> None:
    async def post_raw() -> int:
        async with aiohttp.ClientSession() as http, http.post(
            f"{assistant.rasa_url}/webhooks/rest/webhook", data=b'{"sender": "x", "message": ',
            headers={"Content-Type": "application/json"},
        ) as reply:
            return reply.status

    assert asyncio.run(post_raw()) == 400


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(assistant: RunningAssistant) -> None:
    """Only the headers of an 11 MB upload are sent: the 413 comes back on the declared length
    alone, so the server neither waited for the body nor buffered any of it. (Sent in full, the
    refusal can reach a client as a reset while it is still writing.)"""
    host, port = urlsplit(assistant.rasa_url).hostname, urlsplit(assistant.rasa_url).port
    headers = (
        "POST /webhooks/rest/upload HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\n"
        "Content-Type: multipart/form-data; boundary=e2e-size-limit\r\n"
        f"Content-Length: {11 * 1000 * 1000}\r\n"
        "Connection: close\r\n\r\n"
    )
    with socket.create_connection((host, port), timeout=30) as connection:
        connection.sendall(headers.encode())
        status_line = connection.makefile("rb").readline().decode()
    assert status_line.split()[1] == "413", status_line
