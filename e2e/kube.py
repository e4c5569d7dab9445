"""What the scenarios do with the API server beyond cluster.client: read, list, patch, delete, wait."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from cluster.client import ApiError, Client, Response

T = TypeVar("T")


class Kube(Client):
    def must(self, what: str, resp: Response) -> dict[str, Any]:
        if not resp.ok:
            raise ApiError(what, resp)
        return resp.body

    def get_object(self, path: str) -> dict[str, Any] | None:
        resp = self.get(path)
        if resp.status == 404:
            return None
        return self.must(f"GET {path}", resp)

    def items(self, path: str, label_selector: str | None = None) -> list[dict[str, Any]]:
        query = {"labelSelector": label_selector} if label_selector else None
        return list(self.must(f"LIST {path}", self.request("GET", path, query=query)).get("items") or [])

    def merge_patch(self, path: str, patch: dict[str, Any], subresource: str = "") -> dict[str, Any]:
        full = f"{path}/{subresource}" if subresource else path
        return self.must(f"PATCH {full}", self.request("PATCH", full, patch, "application/merge-patch+json"))

    def delete(self, path: str) -> Response:
        return self.request("DELETE", path)

    def ensure(self, obj: dict[str, Any]) -> dict[str, Any]:
        """Server-side apply under the tier's own field manager (the tier's set-up, not the product's)."""
        return self.apply(obj, field_manager="flask-platform-e2e").body


def reconcile_forever(step: Callable[[], object], interval_s: float = 1.0) -> None:
    """A stand-in controller's loop: run `step` every interval until the process is stopped,
    riding out the API server restarting or going away at the end of the tier."""
    while True:
        try:
            step()
        except OSError as error:
            print(f"retrying: {error}", flush=True)
        time.sleep(interval_s)


def wait_for(what: str, probe: Callable[[], T | None], timeout_s: float, interval_s: float = 1.0) -> T:
    """Poll until `probe` returns something truthy; on timeout say what was awaited and the last value."""
    deadline = time.monotonic() + timeout_s
    last: Any = None
    while True:
        last = probe()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{what}: not reached within {timeout_s:.0f}s")
        time.sleep(interval_s)


def condition(obj: dict[str, Any] | None, kind: str) -> dict[str, Any]:
    for cond in ((obj or {}).get("status") or {}).get("conditions") or []:
        if cond.get("type") == kind:
            return dict(cond)
    return {}
