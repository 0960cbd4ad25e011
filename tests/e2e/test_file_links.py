"""The chart link the assistant sends is signed: it works as sent, and any change to it is
refused with 403 by the running Rasa server (the expiry is tested in tests/unit: moving the
shared clock by a day here would end the session's logins)."""
from __future__ import annotations

from urllib.error import HTTPError
from urllib.request import urlopen

from tests.e2e.conftest import RunningAssistant
from tests.e2e.conversation import Conversation


def _status(url: str) -> int:
    try:
        with urlopen(url) as reply:  # noqa: S310 - loopback URL from the assistant
            return reply.status
    except HTTPError as error:
        return error.code


def test_a_chart_link_works_as_sent_and_not_when_changed(assistant: RunningAssistant, zhang_wei: Conversation) -> None:
    [url] = [r["image"] for r in zhang_wei.say("看看用电趋势") if r.get("image")]
    assert _status(url) == 200
    base, name = url.rsplit("/", 1)
    token, expires, signature, extension = name.split(".")
    forged = [
        f"{token}.{int(expires) + 86_400}.{signature}.{extension}",  # a longer life
        f"{token}.{expires}.{'A' * len(signature)}.{extension}",  # a made-up signature
        f"{token}.{extension}",  # the unsigned form links had before
    ]
    assert [_status(f"{base}/{name}") for name in forged] == [403, 403, 403]
