"""What follows from a change to a case is handled in one place (services/effects.py),
and an event nobody handles is an error rather than a notice silently not sent."""

import typing
from dataclasses import dataclass

import pytest
from flask import Flask

from portal.services import effects, events


def test_every_event_has_its_one_handler_in_effects(app: Flask) -> None:
    for kind in typing.get_args(events.Event):
        handler = events.handler_of(kind)
        assert handler is not None, kind.__name__
        assert handler.__module__ == effects.__name__, kind.__name__


def test_a_second_handler_for_an_event_is_refused() -> None:
    with pytest.raises(RuntimeError, match="ClockPaused has a handler already"):
        events.handles(events.ClockPaused)(lambda event: None)


def test_an_event_nobody_handles_is_an_error_not_a_silence() -> None:
    @dataclass(frozen=True)
    class Unheard:
        pass

    with pytest.raises(LookupError, match="nothing handles Unheard"):
        events.publish(Unheard())  # type: ignore[arg-type]
