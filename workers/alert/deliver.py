"""Sending notices: Prometheus Alertmanager (v2 API) and/or a plain JSON webhook.

Both are idempotent for a repeated notice: Alertmanager merges alerts with the same label set and
its notification log keeps a firing alert from being notified twice; the webhook gets the notice's
key in an `Idempotency-Key` header (and in the body) to drop repeats.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import aiohttp

from workers.alert.engine import Notice

DELIVERY_TIMEOUT_S = 10.0


class DeliveryError(RuntimeError):
    pass


@dataclass
class Delivery:
    alertmanager_url: str = ""  # e.g. http://alertmanager:9093
    webhook_url: str = ""
    timeout_s: float = DELIVERY_TIMEOUT_S

    def __post_init__(self) -> None:
        if not self.alertmanager_url and not self.webhook_url:
            raise ValueError("marsad alert needs MARSAD_ALERTMANAGER_URL and/or MARSAD_ALERT_WEBHOOK_URL")

    async def send(self, session: aiohttp.ClientSession, notices: list[Notice]) -> None:
        """Deliver every notice or raise DeliveryError (the caller retries; nothing is recorded)."""
        if not notices:
            return
        timeout = aiohttp.ClientTimeout(total=self.timeout_s)
        try:
            if self.alertmanager_url:
                url = self.alertmanager_url.rstrip("/") + "/api/v2/alerts"
                async with session.post(
                    url, json=[n.alertmanager() for n in notices], timeout=timeout
                ) as resp:
                    if resp.status >= 300:
                        raise DeliveryError(
                            f"alertmanager answered {resp.status}: {(await resp.text())[:300]}"
                        )
            if self.webhook_url:
                for notice in notices:
                    async with session.post(
                        self.webhook_url,
                        data=json.dumps(notice.webhook(), ensure_ascii=False).encode("utf-8"),
                        headers={"Content-Type": "application/json", "Idempotency-Key": notice.key},
                        timeout=timeout,
                    ) as resp:
                        if resp.status >= 300:
                            raise DeliveryError(f"webhook answered {resp.status}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
