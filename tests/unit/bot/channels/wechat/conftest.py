"""The fake WeChat API on loopback, shared by the connector's unit tests."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.fake_wechat_api import FakeWeChatApi


@pytest.fixture
def fake_api() -> Iterator[FakeWeChatApi]:
    api = FakeWeChatApi()
    api.start()
    yield api
    api.stop()
