"""The simulated newsroom: how much of the page cache survives a desk at work (hit ratio, retention).

Both run against gunicorn with the production settings and the page cache in Redis, on a database of its
own (`<database>_newsroom`, seeded by bench/seed.py with --newsroom-stories stories, 2,000 by default, again
at every run so each run starts from the same newsroom).

Readers: home, each section's first page and every public story, ranked home first, then the sections in
menu order, then the stories newest first; a reader asks for rank k with probability proportional to
1 / k**s (Zipf, s = --zipf, 1.1 by default: the home page about a sixth of all requests, half of them among
the top dozen pages, a quarter spread over the long tail of old stories).

Retention: every public story page is requested twice (stored, then confirmed a hit); one story waiting
for review is published by bench/editor.py in its own process (articles/workflow.py, the real purge); after
NEWSROOM_PAGE_CACHE_LOCAL_SECONDS + 1 s (a server's own one-second copy is not what is measured) every page
that was a hit is requested once more, and its X-Page-Cache header says whether it survived. Counted
separately for the published story's own section and for the others.

Hit ratio: every page requested once (a newsroom's cache in its steady state), then --newsroom-seconds of
load by wrk (bench/wrk_newsroom.lua: a Zipf sample of paths, the header of every response counted) while
bench/editor.py edits or publishes one story every --edit-every seconds (edit, publish, edit, ...; an edited
story is drawn with the readers' Zipf). Answered from the cache: X-Page-Cache hit or stale.
"""
import bisect
import http.client
import json
import random
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

WRK_SCRIPT = Path(__file__).with_name("wrk_newsroom.lua")
SAMPLE_SIZE = 200_000  # paths in the Zipf sample; wrk goes round it if it is faster than that


class ZipfSampler:
    """Ranks 0..n-1 drawn with P(k) proportional to 1 / (k + 1) ** s."""

    def __init__(self, n, s, seed=1):
        self.rng = random.Random(seed)
        total = 0.0
        self.cumulative = []
        for k in range(1, n + 1):
            total += 1.0 / k ** s
            self.cumulative.append(total)
        self.total = total

    def rank(self):
        return min(bisect.bisect_left(self.cumulative, self.rng.random() * self.total), len(self.cumulative) - 1)

    def share(self, first_ranks):
        """The share of requests that go to the `first_ranks` most read pages."""
        return self.cumulative[min(first_ranks, len(self.cumulative)) - 1] / self.total


def population(urls):
    """Every page readers ask for, most read first."""
    return [urls["home"]] + [s["url"] for s in urls["sections"]] + [s["url"] for s in urls["stories"]]


def zipf_sample(pages, s, size=SAMPLE_SIZE, seed=3):
    sampler = ZipfSampler(len(pages), s, seed=seed)
    return [pages[sampler.rank()] for _ in range(size)]


class Client:
    """A few threads, each with its own keep-alive connection, asking for paths and reading X-Page-Cache."""

    def __init__(self, base_url, threads=4, headers=None):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.threads = threads
        self.headers = headers or {"Accept-Encoding": "gzip"}
        self.local = threading.local()
        self.answered_at = {}  # path -> when its last answer came (time.monotonic())

    def _get(self, path):
        for attempt in range(2):
            conn = getattr(self.local, "conn", None)
            if conn is None:
                conn = self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                conn.request("GET", path, headers=self.headers)
                response = conn.getresponse()
                response.read()
                self.answered_at[path] = time.monotonic()
                return response.status, response.getheader("X-Page-Cache") or "none"
            except (OSError, http.client.HTTPException):
                conn.close()
                self.local.conn = None
                if attempt:
                    return "error", "none"
        return "error", "none"

    def get_all(self, paths):
        """{path: (status, X-Page-Cache)} for each path, asked once."""
        with ThreadPoolExecutor(self.threads) as pool:
            return dict(zip(paths, pool.map(self._get, paths)))


def _run_py(args, env, root):
    return subprocess.run([sys.executable, *args], cwd=root, env=env, check=True, capture_output=True, text=True)


def retention(server, env, root, urls, tmp, local_seconds):
    """Publish one story with every story page cached: how many of the other pages are still cached."""
    client = Client(server.base_url, threads=server.workers)
    stories = urls["stories"]
    paths = [s["url"] for s in stories]
    started = time.monotonic()
    client.get_all(paths)  # store them
    stored_at = dict(client.answered_at)
    stored = time.monotonic()
    second = client.get_all(paths)
    cached = [s for s in stories if second[s["url"]] == (200, "hit")]
    warm_seconds = round(time.monotonic() - started, 1)
    out = tmp / "newsroom-publish-one.json"
    _run_py(["-m", "bench.editor", "publish-one", "--out", str(out)], env, root)
    published = json.loads(out.read_text())
    time.sleep(local_seconds + 1)
    after = client.get_all([s["url"] for s in cached])
    # A page stored early in the first pass and checked late in the last might have reached its lifetime
    # (NEWSROOM_PAGE_CACHE_SECONDS): the caller compares this with it.
    first_store_to_last_check = round(time.monotonic() - started, 1)
    longest_kept = round(max((client.answered_at[s["url"]] - stored_at[s["url"]] for s in cached), default=0), 1)
    same = [s for s in cached if s["section"] == published["section"]]
    other = [s for s in cached if s["section"] != published["section"]]

    def kept(group):
        return sum(1 for s in group if after[s["url"]] == (200, "hit"))

    result = {
        "story_pages": len(stories), "cached_before": len(cached), "warm_seconds": warm_seconds,
        "store_seconds": round(stored - started, 1), "first_store_to_last_check": first_store_to_last_check,
        "longest_stored_to_checked": longest_kept,
        "not_cached_before": {s["url"]: list(second[s["url"]]) for s in stories if second[s["url"]] != (200, "hit")},
        "published": published,
        "other_sections": {"cached_before": len(other), "still_cached": kept(other)},
        "same_section": {"cached_before": len(same), "still_cached": kept(same)},
        "answers_after": _tally(after.values()),
    }
    for group in ("other_sections", "same_section"):
        g = result[group]
        g["share"] = round(g["still_cached"] / g["cached_before"], 4) if g["cached_before"] else None
    return result


def _tally(answers):
    counts = {}
    for status, cache in answers:
        key = cache if status == 200 else f"status {status}"
        counts[key] = counts.get(key, 0) + 1
    return counts


def run_wrk_counting(wrk, base_url, paths_file, *, connections, seconds, headers=()):
    command = [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(WRK_SCRIPT)]
    for header in headers:
        command += ["-H", header]
    command += [base_url + "/", "--", str(paths_file)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no summary (exit {done.returncode}): {done.stdout}\n{done.stderr}")
    data = json.loads(line[len("WRKJSON "):])
    seconds_run = data["duration_us"] / 1e6
    return {
        "generator": "wrk", "requests": data["requests"], "seconds": round(seconds_run, 2),
        "rps": round(data["requests"] / seconds_run, 1) if seconds_run else 0.0,
        "p50_ms": data["p50_us"] / 1000, "p95_ms": data["p95_us"] / 1000, "p99_ms": data["p99_us"] / 1000,
        "other_errors": data["connect_errors"] + data["read_errors"] + data["write_errors"] + data["timeouts"],
        "cache": data["cache"],
        "per_second": {int(k): v for k, v in data["per_second"].items()},
    }


def run_python_counting(base_url, paths, *, connections, seconds):
    """The fallback without wrk: `connections` threads in a closed loop over the sample, counting headers."""
    client = Client(base_url, threads=connections)
    counts = {"hit": 0, "miss": 0, "stale": 0, "none": 0, "bad": 0}
    per_second = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    latencies = []

    def loop(offset):
        i = offset
        while time.monotonic() < deadline:
            began = time.perf_counter()
            status, cache = client._get(paths[i % len(paths)])
            elapsed = time.perf_counter() - began
            i += connections
            kind = "bad" if status != 200 else (cache if cache in ("hit", "miss", "stale") else "none")
            second = int(time.time())
            with lock:
                counts[kind] += 1
                latencies.append(elapsed)
                row = per_second.setdefault(second, [0, 0, 0])
                row[0 if kind in ("hit", "stale") else 1 if kind == "miss" else 2] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=loop, args=(n,)) for n in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(p):
        return round(latencies[int(p / 100 * (len(latencies) - 1))] * 1000, 1) if latencies else None

    total = sum(counts.values())
    return {"generator": "python", "requests": total, "seconds": round(elapsed, 2),
            "rps": round(total / elapsed, 1), "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99),
            "other_errors": 0, "cache": counts, "per_second": per_second}


def hit_ratio(server, env, root, urls, tmp, *, generator, wrk, connections, seconds, every, zipf_s):
    """Zipf reads for `seconds` while the desk edits or publishes every `every` s: the share answered from the cache."""
    pages = population(urls)
    sample = zipf_sample(pages, zipf_s)
    sample_file = tmp / "newsroom-zipf-paths.txt"
    sample_file.write_text("\n".join(sample) + "\n")
    sampler = ZipfSampler(len(pages), zipf_s)
    # Steady state: every page stored once before the clock starts.
    warm = Client(server.base_url, threads=server.workers).get_all(pages)
    log = tmp / "newsroom-events.jsonl"
    log.unlink(missing_ok=True)
    start = time.time() + 8  # the desk's process sets Django up meanwhile
    desk = subprocess.Popen([sys.executable, "-m", "bench.editor", "run", "--start", str(start),
                             "--seconds", str(seconds), "--every", str(every), "--zipf", str(zipf_s),
                             "--log", str(log)], cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    time.sleep(max(start - time.time(), 0))
    if generator == "wrk":
        figures = run_wrk_counting(wrk, server.base_url, sample_file, connections=connections, seconds=seconds,
                                   headers=["Accept-Encoding: gzip"])
    else:
        figures = run_python_counting(server.base_url, sample, connections=connections, seconds=seconds)
    out, err = desk.communicate(timeout=120)
    if desk.returncode:
        raise RuntimeError(f"the desk's process failed ({desk.returncode}): {err[-2000:]}")
    events = [json.loads(line) for line in log.read_text().splitlines() if line.strip()] if log.exists() else []
    c = figures["cache"]
    answered = c["hit"] + c["miss"] + c["stale"] + c["none"] + c["bad"]
    from_cache = c["hit"] + c["stale"]
    timeline = [[second - int(start), *row] for second, row in sorted(figures.pop("per_second").items())]
    return {
        "pages": len(pages), "stories": len(urls["stories"]), "sections": len(urls["sections"]),
        "zipf_s": zipf_s, "top_1_share": round(sampler.share(1), 3), "top_12_share": round(sampler.share(12), 3),
        "tail_share_after_100": round(1 - sampler.share(100), 3),
        "distinct_in_sample": len(set(sample)), "warm_up": _tally(warm.values()),
        "seconds": seconds, "edit_every": every, "connections": connections,
        "load": figures, "events": events, "responses": answered, "from_cache": from_cache,
        "ratio": round(from_cache / answered, 4) if answered else None,
        "timeline": timeline,
    }
