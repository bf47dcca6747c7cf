"""Shared fixtures for the source-client tests: a fake clock and quick retries."""

from __future__ import annotations

import pytest

from paperboy.sources.http import RetryPolicy
from tests.simulators.sources.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def retry() -> RetryPolicy:
    """Three attempts, 1 s then 2 s apart on the fake clock (no real waiting)."""
    return RetryPolicy(attempts=3, base_delay=1.0, max_delay=8.0, max_retry_after=30.0)
