"""Start-up costs of issue 19: a cold `wirehouse run` over one article, and a warm scheduled run.

    .venv/bin/python benchmarks/startup.py [--repeats 5] [--rounds 3] [--out benchmarks/results]

* cold start: `wirehouse run ONE_ARTICLE -w FRESH_WAREHOUSE` as a new process, end to end (the
  process's wall time, from its start to its exit: audit, publish, report, Prefect run recorded),
  --repeats times, median; two ways: with Prefect's temporary server (no PREFECT_API_URL, the
  default) and against a running `prefect server start` (PREFECT_API_URL set, as `serve` needs).
  The article is one of the project's own sample dumps (examples/dumps/text).
* warm scheduled run: a `prefect server start` and `wirehouse serve LANDING --interval 4`; once it
  serves and its first runs have found nothing, 10 new articles (generated: benchmarks/corpus.py,
  a new seed each round) are dropped into the landing folder, --rounds times. For each round: the
  seconds from the Prefect flow run's start (its start_time in the API) to the commit that
  published the articles (batches.published_at) and to the run's end (runs.finished_at).

Prints the figures with the targets (cold start <= 5 s; warm run publishes 10 articles within
3 s of starting) and writes benchmarks/results/startup.{json,txt}."""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))
RESULTS = PROJECT / "benchmarks" / "results"
WIREHOUSE = [sys.executable, "-m", "flows.cli"]
PREFECT = Path(sys.executable).parent / "prefect"
SAMPLE = PROJECT / "examples" / "dumps" / "text" / "council-bridge.txt"
TARGET_COLD_S = 5.0
TARGET_WARM_S = 3.0
WARM_ARTICLES = 10


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def prefect_server(home: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_UI_ENABLED": "false",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    env.pop("PREFECT_API_URL", None)
    server = subprocess.Popen([str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2):
                return server, url
        except OSError:
            time.sleep(0.5)
    stop(server)
    raise SystemExit("prefect server did not start")


def api(url: str, path: str, body: dict | None = None, method: str = "POST"):
    request = urllib.request.Request(f"{url}{path}", data=None if body is None else json.dumps(body).encode(),
                                     method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def cold_runs(tmp: Path, repeats: int, env: dict) -> list[float]:
    inputs = tmp / "one"
    inputs.mkdir(exist_ok=True)
    shutil.copy(SAMPLE, inputs / SAMPLE.name)
    walls = []
    for i in range(repeats):
        wh = tmp / f"wh-cold-{len(list(tmp.iterdir()))}-{i}"
        started = time.perf_counter()
        proc = subprocess.run(WIREHOUSE + ["run", str(inputs), "-w", str(wh)], cwd=PROJECT, env=env,
                              capture_output=True, text=True)
        walls.append(time.perf_counter() - started)
        if proc.returncode != 0 or "articles published:    1" not in proc.stdout:
            raise SystemExit(f"cold run failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr[-2000:]}")
        shutil.rmtree(wh, ignore_errors=True)
    return walls


def epoch(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def warm_rounds(tmp: Path, rounds: int, url: str, home: Path) -> list[dict]:
    sys.path.insert(0, str(PROJECT / "benchmarks"))
    import corpus as corpus_mod

    from warehouse.store import Warehouse, WarehouseError

    landing, wh_dir = tmp / "landing", tmp / "wh-serve"
    landing.mkdir()
    env = {**os.environ, "PREFECT_API_URL": url, "PREFECT_HOME": str(home), "PREFECT_RUNNER_POLL_FREQUENCY": "1"}
    log = open(tmp / "serve.log", "w")
    served = subprocess.Popen(WIREHOUSE + ["serve", str(landing), "--interval", "4", "-w", str(wh_dir)],
                              cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    results = []
    try:
        deadline = time.monotonic() + 300
        wh = Warehouse(wh_dir)

        def runs_done() -> int:
            try:
                return int(wh.query("select count(*) n from runs where status = 'completed'", wait_seconds=5).n[0])
            except WarehouseError:
                return 0

        while time.monotonic() < deadline and runs_done() < 2:  # serving, its first runs found nothing
            time.sleep(0.5)
        seen: set[str] = set()
        for r in range(rounds):
            drop = tmp / f"drop-{r}"
            manifest = corpus_mod.generate(drop, WARM_ARTICLES, seed=1000 + r)
            articles = sum(m["articles"] for m in manifest)
            dropped_at = time.time()
            shutil.move(str(drop), str(landing / f"round-{r}"))
            row = None
            while time.monotonic() < deadline + 600:
                time.sleep(1)
                try:
                    found = wh.query("select run_id, flow_run_id, n_published, epoch(finished_at) f, "
                                     "epoch(started_at) s from runs "
                                     "where n_published > 0 and status = 'completed' and epoch(started_at) > ? "
                                     "order by started_at desc limit 1", [dropped_at - 5], wait_seconds=5)
                except WarehouseError:
                    continue
                if len(found) and found.run_id[0] not in seen:
                    row = found
                    seen.add(found.run_id[0])
                    break
            if row is None:
                raise SystemExit(f"round {r + 1}: no run published the dropped articles")
            run_id, flow_run_id = row.run_id[0], row.flow_run_id[0]
            published_at = float(wh.query("select epoch(max(published_at)) p from batches where run_id = ?",
                                          [run_id]).p[0])
            flow_run = api(url, f"/flow_runs/{flow_run_id}", method="GET")
            start = epoch(flow_run["start_time"])
            results.append({"round": r, "articles_dropped": articles, "published": int(row.n_published[0]),
                            "run_id": run_id, "to_publish_s": published_at - start,
                            "landed_to_publish_s": published_at - dropped_at,
                            "landed_to_run_start_s": start - dropped_at,
                            "to_end_s": float(row.f[0]) - start, "state": flow_run["state_type"],
                            "prefect_start_to_run_start_s": float(row.s[0]) - start})
            print(f"  round {r + 1}: {results[-1]['published']} published {results[-1]['to_publish_s']:.2f} s "
                  f"after the run started; run ended after {results[-1]['to_end_s']:.2f} s", flush=True)
    finally:
        stop(served)
        log.close()
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="cold runs of each kind (median; default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="warm scheduled runs with 10 new articles (default 3)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="wirehouse-startup-"))
    results: dict = {"machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(),
                                 "loadavg_at_start": os.getloadavg()}}
    server = None
    try:
        base = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        home = tmp / "prefect-home"
        home.mkdir()
        # Prefect's temporary server keeps its database in PREFECT_HOME: one warm-up run creates
        # it (a first run on a machine also migrates it), as on any machine that has run before.
        temp_env = {**base, "PREFECT_HOME": str(tmp / "temp-home")}
        print("cold start, Prefect's temporary server ...", flush=True)
        cold_runs(tmp, 1, temp_env)
        results["cold_temporary_server_s"] = cold_runs(tmp, args.repeats, temp_env)
        server, url = prefect_server(home)
        print("cold start, a running Prefect server (PREFECT_API_URL) ...", flush=True)
        configured = {**base, "PREFECT_API_URL": url, "PREFECT_HOME": str(home)}
        cold_runs(tmp, 1, configured)
        results["cold_configured_api_s"] = cold_runs(tmp, args.repeats, configured)
        print(f"warm scheduled runs, {WARM_ARTICLES} new articles each ...", flush=True)
        results["warm_serve"] = warm_rounds(tmp, args.rounds, url, home)
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(tmp, ignore_errors=True)
    results["machine"]["loadavg_at_end"] = os.getloadavg()
    cold_t = statistics.median(results["cold_temporary_server_s"])
    cold_c = statistics.median(results["cold_configured_api_s"])
    warm = statistics.median(r["to_publish_s"] for r in results["warm_serve"])
    warm_end = statistics.median(r["to_end_s"] for r in results["warm_serve"])
    m = results["machine"]
    verdict = lambda ok: "PASS" if ok else "FAIL"  # noqa: E731
    lines = [
        f"# Wirehouse start-up ({time.strftime('%Y-%m-%d %H:%M')})",
        f"machine: {m['cpu_count']} CPUs, {m['platform']}; load average at start {m['loadavg_at_start'][0]:.2f}, "
        f"at end {m['loadavg_at_end'][0]:.2f}",
        f"cold start: `wirehouse run` over one sample article into a fresh warehouse, new process, end to end "
        f"(median of {args.repeats})",
        f"  Prefect's temporary server   {cold_t:5.2f} s  (runs: {', '.join(f'{x:.2f}' for x in results['cold_temporary_server_s'])})"
        f"  target <= {TARGET_COLD_S:g} s: {verdict(cold_t <= TARGET_COLD_S)}",
        f"  a running Prefect server     {cold_c:5.2f} s  (runs: {', '.join(f'{x:.2f}' for x in results['cold_configured_api_s'])})"
        f"  target <= {TARGET_COLD_S:g} s: {verdict(cold_c <= TARGET_COLD_S)}",
        f"warm scheduled run (`wirehouse serve --interval 4`, {WARM_ARTICLES} new generated articles a round; "
        f"median of {args.rounds}):",
        f"  flow run start -> articles published  {warm:5.2f} s  target <= {TARGET_WARM_S:g} s: "
        f"{verdict(warm <= TARGET_WARM_S)}",
        f"  flow run start -> run finished        {warm_end:5.2f} s  (run record; the report follows)",
        f"  of which Prefect's start of the flow run to the Wirehouse run's start: "
        f"{statistics.median(r['prefect_start_to_run_start_s'] for r in results['warm_serve']):.2f} s",
        f"  articles landed -> published         "
        f"{statistics.median(r['landed_to_publish_s'] for r in results['warm_serve']):5.2f} s  (serve parses new "
        "files as they land, before their run starts; the run starts on the schedule, "
        f"{statistics.median(r['landed_to_run_start_s'] for r in results['warm_serve']):.2f} s after they landed)",
        "  rounds: " + "; ".join(f"{r['published']} published, {r['to_publish_s']:.2f} s" for r in results["warm_serve"]),
    ]
    print("\n".join(lines))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "startup.json").write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    (args.out / "startup.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
