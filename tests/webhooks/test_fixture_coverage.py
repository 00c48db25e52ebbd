"""Every supported topic has a fixture written in the platform's real payload shape, and every fixture parses."""
import json

import pytest

from adapters.registry import ADAPTERS
from tests.webhook_helpers import FIXTURES, topic_of

ALL = [(platform, path.stem) for platform in ADAPTERS for path in sorted(FIXTURES[platform].glob("*.json"))]


@pytest.mark.parametrize("platform", list(ADAPTERS))
def test_every_supported_topic_has_a_fixture(platform):
    covered = {topic_of(platform, name) for p, name in ALL if p == platform}
    missing = set(ADAPTERS[platform].topics) - covered
    assert not missing, f"add fixtures to {FIXTURES[platform]} for: {', '.join(sorted(missing))}"


@pytest.mark.parametrize("platform, name", ALL, ids=[f"{p}:{n}" for p, n in ALL])
def test_every_fixture_is_a_supported_topic_and_parses_into_events(platform, name):
    topic = topic_of(platform, name)
    assert topic in ADAPTERS[platform].topics, f"{name}.json names no supported topic ({topic})"
    events = ADAPTERS[platform].topics[topic](json.loads((FIXTURES[platform] / f"{name}.json").read_text()))
    assert events and all(type(e).__module__ == "integration.domain.events" for e in events)
