"""Key presses: one key picks an option; digits before "#" are a typed number; "*" starts again."""
from __future__ import annotations

import pytest

from bot.channels.ivr.keypad import MAX_TYPED, Keys, read_keys


@pytest.mark.parametrize(("value", "buffer", "keys"), [
    ("1", "", Keys(choice="1")),
    ("9", "", Keys(choice="9")),
    ("0", "", Keys(buffer="0")),  # no option 0: the first digit of a number
    ("3", "33", Keys(buffer="333")),  # typing a number: not a choice
    ("3301000001#", "", Keys(typed="3301000001")),
    ("#", "3301000001", Keys(typed="3301000001")),
    ("01#", "33", Keys(typed="3301")),
    ("#", "", Keys()),  # nothing typed: nothing sent
    ("12*45", "", Keys(buffer="45")),
    ("*", "123", Keys()),
    ("1#", "", Keys(typed="1")),
])
def test_keys(value: str, buffer: str, keys: Keys) -> None:
    assert read_keys(value, buffer) == keys


def test_a_number_is_capped() -> None:
    assert read_keys("9" * 32, "") == Keys(buffer="9" * MAX_TYPED)
