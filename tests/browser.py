"""A page opened in a real headless Chromium, driven over the DevTools protocol (a websocket:
the `websockets` package), for tests: what the console logged, what a script reads from the
rendered page, and a screenshot. Debian's `chromium` package (`.ci/run` installs it)."""

from __future__ import annotations

import base64
import itertools
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def chromium() -> str | None:
    """The Chromium executable on PATH, or None."""
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


@dataclass
class Page:
    """What the browser made of a page."""

    console: list[str] = field(default_factory=list)  # console messages, errors and warnings
    errors: list[str] = field(default_factory=list)  # of those, the errors (CSP violations too)


class Browser:
    """One headless Chromium with one tab, closed on exit."""

    def __init__(self, width: int = 1280, height: int = 900, timeout: float = 30.0):
        executable = chromium()
        if executable is None:
            raise RuntimeError("no Chromium on PATH (apt-get install chromium)")
        self.timeout = timeout
        self.width, self.height = width, height
        self._profile = tempfile.TemporaryDirectory(prefix="wirehouse-chromium-")
        self._process = subprocess.Popen(
            [
                executable,
                "--headless",
                "--no-sandbox",  # CI runs as root
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                f"--user-data-dir={self._profile.name}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._ids = itertools.count(1)
        self._events: list[dict] = []
        try:
            self._socket = self._connect()
        except BaseException:
            self.close()
            raise

    def _connect(self):
        from websockets.sync.client import connect

        port_file = Path(self._profile.name) / "DevToolsActivePort"
        deadline = time.monotonic() + self.timeout
        while not port_file.exists() or not port_file.read_text().strip():
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Chromium did not start (exit code {self._process.poll()})")
            time.sleep(0.05)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=self.timeout) as response:
            targets = json.load(response)
        page = next(t for t in targets if t["type"] == "page")
        return connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=self.timeout)

    def send(self, method: str, **params: Any) -> dict:
        """Call a DevTools method and return its result (events that arrive meanwhile are kept)."""
        call_id = next(self._ids)
        self._socket.send(json.dumps({"id": call_id, "method": method, "params": params}))
        deadline = time.monotonic() + self.timeout
        while True:
            message = json.loads(self._socket.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self._events.append(message)

    def _wait_for(self, event: str) -> None:
        deadline = time.monotonic() + self.timeout
        while not any(e.get("method") == event for e in self._events):
            self._events.append(json.loads(self._socket.recv(timeout=max(0.1, deadline - time.monotonic()))))

    def open(self, url: str) -> Page:
        """Load url and wait for its load event; the console's messages so far."""
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")
        self._events.clear()
        self.send("Page.navigate", url=url)
        self._wait_for("Page.loadEventFired")
        self.send("Runtime.evaluate", expression="1", awaitPromise=True)  # flush pending messages
        return self.page()

    def page(self) -> Page:
        page = Page()
        for event in self._events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled":
                text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
                page.console.append(f"console.{params.get('type')}: {text}")
                if params.get("type") in ("error", "assert"):
                    page.errors.append(text)
            elif method == "Runtime.exceptionThrown":
                text = params["exceptionDetails"].get("text", "exception")
                page.console.append(text)
                page.errors.append(text)
            elif method == "Log.entryAdded":
                entry = params["entry"]
                page.console.append(f"{entry['level']} ({entry['source']}): {entry['text']}")
                if entry["level"] == "error":
                    page.errors.append(entry["text"])
        return page

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a script run in the page (DevTools runs it whatever the page's CSP)."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path, full_page: bool = True) -> Path:
        """A PNG of the page (the whole page, or the window's first screen)."""
        height = self.height
        if full_page:
            height = int(self.evaluate("Math.ceil(document.documentElement.scrollHeight)"))
        shot = self.send(
            "Page.captureScreenshot",
            format="png",
            captureBeyondViewport=True,  # a clip past the window's height is painted too
            clip={"x": 0, "y": 0, "width": self.width, "height": height, "scale": 1},
        )
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def close(self) -> None:
        socket = getattr(self, "_socket", None)
        if socket is not None:
            try:
                self.send("Browser.close")
            except Exception:  # noqa: S110  (already gone: terminated below)
                pass
            socket.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._profile.cleanup()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def main() -> None:
    """`python -m tests.browser PAGE.html OUT.png [HEIGHT]`: a screenshot of a page (its first
    HEIGHT pixels, else all of it), as docs/report.png was made."""
    import sys

    page, out, *height = sys.argv[1:]
    with Browser(width=1280, height=int(height[0]) if height else 900) as browser:
        shown = browser.open(Path(page).resolve().as_uri())
        if shown.errors:
            raise SystemExit(f"the page logged errors: {shown.errors}")
        browser.screenshot(Path(out), full_page=not height)


if __name__ == "__main__":
    main()
