"""A small headless-Chromium driver over the DevTools protocol, for the review page's tests.

It launches the system's Chromium (never a downloaded browser) with networking features off,
opens one page, and records every request the page makes, so a test can assert that a file
meant to work offline asks for nothing.
"""

from __future__ import annotations

import base64
import json
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import websocket

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
)


class Page:
    """One tab: send commands, wait for events, and the requests seen so far."""

    def __init__(self, ws: websocket.WebSocket, session: str) -> None:
        self._ws = ws
        self._session = session
        self._next = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self._next += 1
        ident = self._next
        self._ws.send(
            json.dumps(
                {"id": ident, "method": method, "params": params, "sessionId": self._session}
            )
        )
        while True:
            message = json.loads(self._ws.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            if "method" in message:
                self.events.append(message)

    def wait_for(self, method: str, timeout: float = 20) -> dict[str, Any]:
        end = time.monotonic() + timeout
        seen = len(self.events)
        for event in self.events[:seen]:
            if event["method"] == method:
                self.events.remove(event)
                return event
        self._ws.settimeout(timeout)
        while time.monotonic() < end:
            message: dict[str, Any] = json.loads(self._ws.recv())
            if message.get("method") == method:
                return message
            if "method" in message:
                self.events.append(message)
        raise TimeoutError(method)

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element's first line box (the middle of a
        sentence wrapped over two lines may be another element), scrolled into view first."""
        box = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " e.scrollIntoView({block: 'center'}); const r = e.getClientRects()[0];"
            " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
        )
        x, y = box
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def key(self, char: str) -> None:
        self.send("Input.dispatchKeyEvent", type="keyDown", key=char, text=char)
        self.send("Input.dispatchKeyEvent", type="keyUp", key=char)

    def screenshot(self, path: Path) -> Path:
        """A PNG of the viewport, with the mouse moved out of the way (no hover outline)."""
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=0, y=0)
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def requests(self) -> list[str]:
        """Every URL the page asked for (Network.requestWillBeSent), drained from the events."""
        self.send("Runtime.evaluate", expression="0")  # flush pending events
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e["method"] == "Network.requestWillBeSent"
        ]


@contextmanager
def open_page(
    chromium: str, url: str, profile: Path, width: int = 1400, height: int = 900
) -> Iterator[Page]:
    """Launch Chromium, open `url`, and yield the page once it has loaded."""
    process = subprocess.Popen(
        [chromium, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        endpoint = _endpoint(process, profile)
        ws = websocket.create_connection(endpoint, timeout=30, suppress_origin=True)
        try:
            yield _load(ws, url, width, height)
        finally:
            ws.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _endpoint(process: subprocess.Popen[bytes], profile: Path) -> str:
    """The browser's DevTools address, which Chromium writes to DevToolsActivePort in its
    profile folder when it is ready (port on the first line, path on the second)."""
    marker = profile / "DevToolsActivePort"
    end = time.monotonic() + 30
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError(f"Chromium exited with status {process.returncode}")
        lines = marker.read_text().split() if marker.is_file() else []
        if len(lines) >= 2:
            return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
        time.sleep(0.1)
    raise RuntimeError("Chromium did not open its DevTools port within 30 seconds")


def _load(ws: websocket.WebSocket, url: str, width: int, height: int) -> Page:
    ws.send(
        json.dumps({"id": 1, "method": "Target.createTarget", "params": {"url": "about:blank"}})
    )
    target = _reply(ws, 1)["targetId"]
    ws.send(
        json.dumps(
            {
                "id": 2,
                "method": "Target.attachToTarget",
                "params": {"targetId": target, "flatten": True},
            }
        )
    )
    page = Page(ws, _reply(ws, 2)["sessionId"])
    page.send("Network.enable")
    page.send("Page.enable")
    page.send("Runtime.enable")
    page.send(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=height,
        deviceScaleFactor=1,
        mobile=False,
    )
    page.send("Page.navigate", url=url)
    page.wait_for("Page.loadEventFired")
    return page


def _reply(ws: websocket.WebSocket, ident: int) -> dict[str, Any]:
    while True:
        message = json.loads(ws.recv())
        if message.get("id") == ident:
            return dict(message["result"])
