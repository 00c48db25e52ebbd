"""Prometheus metrics: counters the code increments, queue gauges computed from the database at scrape time.

gunicorn runs several processes: with PROMETHEUS_MULTIPROC_DIR set (by `returnkit serve` and
integration/gunicorn_conf.py) every process writes its counters there and /metrics adds them up.
"""
from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, generate_latest, REGISTRY
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from integration.db.base import utcnow
from integration.db.models import WebhookDelivery
from integration.db.request_models import Action

WEBHOOK_DELIVERIES = Counter("returnkit_webhook_deliveries_total", "Webhook deliveries by what the receiver did",
                             ("platform", "topic", "status"))
DECISIONS = Counter("returnkit_decisions_total", "Decisions recorded on requests", ("outcome",))
ACTIONS = Counter("returnkit_actions_total", "Action runs by kind and the state they finished in", ("kind", "state"))
WAITING_ACTION_STATES = ("pending", "retrying")


_DELIVERY_COUNTERS: dict[tuple[str, str, str], object] = {}   # bounded: the receiver passes known labels only


def count_delivery(platform: str, topic: str, status: str) -> None:
    """One webhook delivery answered (received, duplicate, ignored, rejected_signature, ...)."""
    key = (platform, topic, status)
    counter = _DELIVERY_COUNTERS.get(key)
    if counter is None:   # labels() validates and locks on every call: once per label set is enough
        counter = _DELIVERY_COUNTERS[key] = WEBHOOK_DELIVERIES.labels(platform, topic, status)
    counter.inc()


def count_decision(session: Session, outcome: str) -> None:
    """One decision recorded in this session: counted when the session commits, never if it rolls back."""
    session.info.setdefault("decided_outcomes", []).append(outcome)


@event.listens_for(Session, "after_commit")
def _count_committed_decisions(session: Session) -> None:
    for outcome in session.info.pop("decided_outcomes", ()):
        DECISIONS.labels(outcome).inc()


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_decisions(session: Session) -> None:
    session.info.pop("decided_outcomes", None)


def count_action(kind: str, state: str) -> None:
    """One action run finished in `state` (succeeded, retrying, dead)."""
    ACTIONS.labels(kind, state).inc()


def queue_figures(session, now) -> dict[str, tuple[int, float]]:
    """{queue: (depth, oldest age in seconds)} for due actions and unprocessed deliveries (indexed queries)."""
    actions = session.execute(select(func.count(), func.min(Action.next_attempt_at)).where(
        Action.state.in_(WAITING_ACTION_STATES), Action.next_attempt_at <= now)).one()
    deliveries = session.execute(select(func.count(), func.min(WebhookDelivery.received_at)).where(
        WebhookDelivery.status == "received")).one()
    return {name: (count, max((now - oldest).total_seconds(), 0.0) if oldest else 0.0)
            for name, (count, oldest) in (("actions", actions), ("deliveries", deliveries))}


class QueueCollector:
    """returnkit_queue_depth and returnkit_queue_oldest_age_seconds, read from the database at each scrape."""

    def __init__(self, sessions):
        self.sessions = sessions

    def collect(self):
        """The two gauges, one sample per queue."""
        with self.sessions() as session:
            figures = queue_figures(session, utcnow())
        depth = GaugeMetricFamily("returnkit_queue_depth", "Due actions and unprocessed deliveries waiting",
                                  labels=["queue"])
        age = GaugeMetricFamily("returnkit_queue_oldest_age_seconds", "How long the oldest waiting item has waited",
                                labels=["queue"])
        for name, (count, oldest) in figures.items():
            depth.add_metric([name], count)
            age.add_metric([name], oldest)
        return [depth, age]


class _ThisProcess:
    """This process's own metrics (without multiprocess mode: tests, a single process)."""

    def collect(self):
        return REGISTRY.collect()


def exposition(sessions) -> bytes:
    """The text exposition of every metric: all processes' counters and the queue gauges."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(QueueCollector(sessions))
    return generate_latest(registry)


def serve_process_metrics(port: int, addr: str = "0.0.0.0"):
    """Serve this process's own metrics on `port` (a worker on a machine of its own); returns the server."""
    from prometheus_client import start_http_server
    server, _thread = start_http_server(port, addr)
    return server
