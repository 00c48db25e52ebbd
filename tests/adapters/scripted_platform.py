"""Scripted platform clients for exact-call tests: each answer is given in advance, each call is recorded."""
import re
from contextlib import contextmanager

from adapters.http import PlatformError


class ScriptedShopify:
    """ShopifyClient.graphql answering by operation name, in order; `calls` holds (operation, variables)."""

    def __init__(self, **answers):
        self.answers = {name: list(a) if isinstance(a, list) else [a] for name, a in answers.items()}
        self.calls = []

    def graphql(self, document: str, variables: dict) -> dict:
        name = re.search(r"(?:query|mutation)\s+(\w+)", document).group(1)
        self.calls.append((name, variables))
        queue = self.answers[name]
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def names(self) -> list[str]:
        """The operations sent, in order."""
        return [name for name, _ in self.calls]


class ScriptedWoo:
    """WooCommerceClient's get/get_all/post/put answering by (method, path); `calls` holds (method, path, body)."""

    def __init__(self, answers: dict):
        self.answers = answers   # (method, path): answer, or ("seq", method, path): answers in turn
        self.calls = []

    def _answer(self, method: str, path: str):
        if ("seq", method, path) in self.answers:
            queue = self.answers[("seq", method, path)]
            answer = queue.pop(0) if len(queue) > 1 else queue[0]
        else:
            answer = self.answers.get((method, path))
        if isinstance(answer, PlatformError):
            raise answer
        return answer

    def get(self, path: str, params: dict | None = None):
        self.calls.append(("GET", path, params))
        return self._answer("GET", path)

    def get_all(self, path: str, params: dict | None = None, max_pages: int = 0):
        self.calls.append(("GET_ALL", path, {"params": params, "max_pages": max_pages}))
        return self._answer("GET_ALL", path) or []

    def post(self, path: str, body: dict):
        self.calls.append(("POST", path, body))
        return self._answer("POST", path)

    def put(self, path: str, body: dict):
        self.calls.append(("PUT", path, body))
        return self._answer("PUT", path)


class Locks:
    """Records which order each look-then-write step held, and the claims held across attempts."""

    def __init__(self, claims: dict | None = None):
        self.held, self.claims = [], dict(claims or {})

    def claim(self, name, holder):
        return self.claims.setdefault(name, holder) == holder

    def unclaim(self, name, holder):
        if self.claims.get(name) == holder:
            del self.claims[name]

    @contextmanager
    def hold(self, order_id):
        self.held.append(order_id)
        yield
