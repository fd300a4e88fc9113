"""`make bench`: seed, serve with gunicorn, load with wrk, and write the results table.

    python -m bench                       # 100,000 stories (seeded once, reused while the size matches)
    python -m bench --stories 2000 --seconds 3   # a quick run to check the harness
    python -m bench --reseed              # seed again even if the database already has the size
    python -m bench --newsroom-only       # only the simulated newsroom: hit ratio and retention

PostgreSQL is required (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/newsroom_bench);
a second database with 1,000 stories (same name + "_1k") gives the query counts at the small size, and a
third (same name + "_newsroom", 2,000 stories seeded afresh each run) holds the simulated newsroom.
The page cache is Redis (BENCH_CACHE_URL, default redis://127.0.0.1:6379/3, a fresh key prefix per run),
as in production; with --cache locmem each worker keeps its own cache instead.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

from . import load, newsroom, report
from .probe import PAGES
from .server import ROOT, Gunicorn, bench_env, collectstatic, free_port, get_status, stop_process_group

RESULTS = Path(__file__).resolve().parent / "results"
TMP = RESULTS / "tmp"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/newsroom_bench"
SMALL_STORIES = 1000
# The address the bench's site writes into its pages (canonical links, JSON-LD), the same whatever port a run
# serves on: it is part of the stored renders' fingerprint (prerender/fragments.py), so with the port in it every
# run (and every other run sharing the database) made the stored renders of the one before out of date.
SITE_URL = "http://127.0.0.1:8000"
FLOOR_SLICE = 3  # seconds of the floor measured right before and right after each page
# Issue 12's ratios are also measured interleaved: ROUNDS slices of the same-bytes floor and of the page in turn,
# SLICE seconds each, and a last floor slice. Both then run for the same lengths of time, side by side in time: on
# the shared bench machine a page run of 10 s against floor runs of 3 s came out about 8% lower than the same page
# in 2 s slices beside the floor's (bench/README.md), and bursts of other work hit both alike.
INTERLEAVE_ROUNDS = 5
INTERLEAVE_SLICE = 2


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--stories", type=int, default=100_000, help="stories in the big database (default 100000)")
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    p.add_argument("--cache", choices=["redis", "locmem"], default="redis")
    p.add_argument("--cache-url", default=os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/3"))
    p.add_argument("--workers", type=int, default=2 * load.cpu_count() + 1,
                   help="gunicorn workers (default 2 x cores + 1, gunicorn's own advice)")
    p.add_argument("--worker-class", default="sync", help="gunicorn worker class (default sync)")
    p.add_argument("--connections", type=int, default=None, help="concurrent connections under load (default: workers)")
    p.add_argument("--seconds", type=int, default=10, help="seconds of load per page (default 10)")
    p.add_argument("--latency-seconds", type=int, default=None, help="seconds of the one-client run (default seconds/2)")
    p.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto")
    p.add_argument("--reseed", action="store_true", help="seed again even if the database has the right size")
    p.add_argument("--only", help="comma-separated page names to measure (default: all)")
    p.add_argument("--out", default=None, help="results file stem (default bench/results/bench-<stories>)")
    p.add_argument("--newsroom-stories", type=int, default=2000,
                   help="stories in the simulated newsroom's database (hit ratio, retention; default 2000)")
    p.add_argument("--newsroom-seconds", type=int, default=60, help="seconds of load in the hit-ratio run (default 60)")
    p.add_argument("--edit-every", type=float, default=10, help="seconds between two changes by the desk (default 10)")
    p.add_argument("--zipf", type=float, default=1.1, help="Zipf exponent s of the readers (default 1.1)")
    p.add_argument("--render-first", type=int, default=3000,
                   help="stories of the cold runs given a stored render before the load (default 3000)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--skip-newsroom", action="store_true", help="leave out the hit-ratio and retention runs")
    group.add_argument("--newsroom-only", action="store_true",
                       help="only the hit-ratio and retention runs (results: bench/results/newsroom-<stories>)")
    return p.parse_args(argv)


def check_tools(args):
    generator = args.generator
    if generator in ("auto", "wrk") and not load.wrk_path():
        if generator == "wrk":
            sys.exit("wrk is not installed. On Debian/Ubuntu: sudo apt-get install -y wrk (or use --generator python).")
        print("! wrk is not installed (Debian/Ubuntu: sudo apt-get install -y wrk); falling back to the Python "
              "load client, whose figures for the fastest pages are bounded by the client itself.")
        generator = "python"
    elif generator == "auto":
        generator = "wrk"
    return generator


def redis_ok(args):
    """Fall back to per-worker local memory, with a warning, when the Redis cache is not reachable."""
    if args.cache != "redis":
        return
    import redis

    try:
        redis.Redis.from_url(args.cache_url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        print(f"! Redis is not reachable at {args.cache_url} ({error}); using each worker's local memory "
              "cache instead (--cache locmem). Start Redis or set BENCH_CACHE_URL for the production setup.")
        args.cache = "locmem"


def psql_ok(database_url):
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(database_url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("The bench runs on PostgreSQL: set BENCH_DATABASE_URL=postgres://...")
    params = {"host": config["HOST"] or "127.0.0.1", "port": config["PORT"] or 5432,
              "user": config["USER"] or "postgres", "password": config["PASSWORD"] or None}
    try:
        conn = psycopg2.connect(dbname="postgres", **params)
    except psycopg2.OperationalError as error:
        sys.exit(f"PostgreSQL is not reachable ({error}). Start it, or set BENCH_DATABASE_URL.")
    conn.autocommit = True
    with conn.cursor() as cursor:
        for name in (config["NAME"], config["NAME"] + "_1k", config["NAME"] + "_newsroom"):
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if not cursor.fetchone():
                cursor.execute(f'CREATE DATABASE "{name}"')
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    conn.close()
    return version


def small_url(database_url, suffix="_1k"):
    base, _, name = database_url.rpartition("/")
    return f"{base}/{name}{suffix}"


def run_py(module_args, env, **kwargs):
    return subprocess.run([sys.executable, *module_args], cwd=ROOT, env=env, check=True, **kwargs)


def ensure_seeded(env, stories, reseed, label):
    """Migrate, then seed unless the database already holds a bench newsroom of this size."""
    run_py(["manage.py", "migrate", "--noinput", "-v0"], env)
    marker = TMP / f"seed-{label}.json"
    count = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from articles.models import Article; print(Article.objects.count())"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]
    if not reseed and marker.exists() and int(count) == stories:
        seeded = json.loads(marker.read_text())
        seeded["reused"] = True
        print(f"  {label}: {stories:,} stories already seeded (in {seeded['seconds']}s); reusing them")
        return seeded
    print(f"  {label}: seeding {stories:,} stories")
    run_py(["-m", "bench.seed", "--stories", str(stories), "--json", str(marker)], env)
    seeded = json.loads(marker.read_text())
    seeded["reused"] = False
    return seeded


def probe(env, label, render_first):
    out = TMP / f"probe-{label}.json"
    run_py(["-m", "bench.probe", "--out", str(out), "--render-first", str(render_first)], {**env, "CACHE_URL": "locmem://"})
    return json.loads(out.read_text())


def machine(pg_version, generator):
    def first(command):
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=10).stdout.strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "unknown"

    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = next(int(ln.split()[1]) for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal"))
    import django
    import gunicorn

    return {
        "nproc": os.cpu_count(), "memory_gib": round(mem_kb / 1024 / 1024, 1), "cpu": cpu,
        "kernel": platform.release(), "python": platform.python_version(), "django": django.get_version(),
        "gunicorn": gunicorn.__version__, "postgresql": pg_version,
        "redis": first(["redis-server", "--version"]), "load_generator": first(["wrk", "--version"]) if generator == "wrk" else "python",
        "loadavg_start": os.getloadavg(),
    }


# The cold pages of issue 12: the page cache off, everything else on (Redis: site state, blocks, fragments).
COLD_PAGES = ["floor", "home", "article_warm", "article_cold", "section_first", "section_deep", "rss"]
UNCACHED_PAGES = ["floor", "home", "article_warm", "section_first", "section_deep", "search_common", "search_rare",
                  "search_plain", "rss", "sitemap"]


def measure(server, generator, urls, notes, cookie, args, only, pages=None, seconds=None, warm_up=True,
            rendered_only=False, interleave=()):
    """Load each page twice: under load (args.connections) and with one client (latency without queueing).

    rendered_only: the new-story runs go round the stories given a stored render beforehand instead of going
    through the whole list (with the page cache off no page is stored, so a story asked again is as cold).
    interleave: the pages whose ratio to the same-bytes floor is also measured in slices taken in turn with it.
    """
    results = {}
    cold_file = notes.get("article_cold", {}).get("file")
    if rendered_only and notes.get("article_cold", {}).get("rendered_file"):
        cold_file = notes["article_cold"]["rendered_file"]
    cold_cursor = 1
    seconds = seconds or args.seconds
    one_seconds = max(min(args.latency_seconds, seconds // 2), 2)
    for name, label in PAGES:
        if only and name not in only:
            continue
        if pages is not None and name not in pages:
            continue
        path = urls.get(name)
        headers = ["Accept-Encoding: gzip"]
        if name.startswith("admin_"):
            headers.append(f"Cookie: {cookie}")
        entry = {"label": label, "path": path}
        if not path:
            entry["status"] = "n/a (no URL)"
            results[name] = entry
            print(f"  {label:<34} n/a (no URL)")
            continue
        status = get_status(server.base_url + path, headers)
        entry["status"] = status
        if status != 200:
            entry["status"] = f"n/a ({status})"
            results[name] = entry
            print(f"  {label:<34} n/a ({status})")
            continue
        kwargs = {"headers": headers}
        if name == "article_cold":
            # Each request asks for a story not asked for before in this run: every one is a cache miss.
            kwargs.update(paths_file=cold_file)
        elif warm_up:
            # Warm up: fill the page cache and the workers' own caches, discard the figures.
            load.run(generator, server.base_url, path, connections=args.connections, seconds=2, **kwargs)
        floor_path = urls.get("floor")
        bracket = name not in ("static", "floor") and floor_path
        floors = {"floor": floor_path}
        if bracket:
            # Issue 12's floor: a bare view answering the bytes this page answers (bench/views.py), saved now.
            entry["bytes"] = save_same_bytes(server.base_url + path, name, headers)
            floors["same_bytes"] = f"/__bench__/same/{name}/"
        floor_rps = {kind: [] for kind in floors}

        def measure_floors(connections):
            for kind, floor_url in floors.items():
                floor_rps[kind].append(load.run(generator, server.base_url, floor_url, connections=connections,
                                                seconds=FLOOR_SLICE, headers=["Accept-Encoding: gzip"])["rps"])

        for run_name, connections, run_seconds in (("loaded", args.connections, seconds),
                                                   ("one_client", 1, one_seconds)):
            if name == "article_cold":
                kwargs["first_line"] = cold_cursor
            if bracket and run_name == "loaded":
                measure_floors(connections)
            figures = load.run(generator, server.base_url, path, connections=connections, seconds=run_seconds, **kwargs)
            if bracket and run_name == "loaded":
                measure_floors(connections)
            if name == "article_cold":
                cold_cursor += figures["requests"] + connections + 1
                figures["distinct_urls_left"] = max(notes["article_cold"]["distinct_urls"] - cold_cursor, 0)
            entry[run_name] = figures
        if bracket and name in interleave:
            slices = {"page": [], "floor": []}
            for _round in range(INTERLEAVE_ROUNDS):
                slices["floor"].append(load.run(generator, server.base_url, floors["same_bytes"],
                                                connections=args.connections, seconds=INTERLEAVE_SLICE,
                                                headers=["Accept-Encoding: gzip"]))
                if name == "article_cold":
                    kwargs["first_line"] = cold_cursor
                figures = load.run(generator, server.base_url, path, connections=args.connections,
                                   seconds=INTERLEAVE_SLICE, **kwargs)
                if name == "article_cold":
                    cold_cursor += figures["requests"] + args.connections + 1
                slices["page"].append(figures)
            slices["floor"].append(load.run(generator, server.base_url, floors["same_bytes"],
                                            connections=args.connections, seconds=INTERLEAVE_SLICE,
                                            headers=["Accept-Encoding: gzip"]))
            entry["interleaved"] = interleaved_ratio(slices)
        if bracket:
            # The floors measured just before and just after this page: the ratio holds even as the load on a
            # shared machine drifts from one page to the next.
            entry["floor_nearby_rps"] = round(sum(floor_rps["floor"]) / len(floor_rps["floor"]), 1)
            entry["same_bytes_nearby_rps"] = round(sum(floor_rps["same_bytes"]) / len(floor_rps["same_bytes"]), 1)
        results[name] = entry
        lo, one = entry["loaded"], entry["one_client"]
        ratio = (f"  {lo['rps'] / entry['same_bytes_nearby_rps']:.2f} x same-bytes floor,"
                 f" {lo['rps'] / entry['floor_nearby_rps']:.2f} x small floor") if entry.get("floor_nearby_rps") else ""
        if entry.get("interleaved"):
            ratio += f"; interleaved {entry['interleaved']['ratio']:.2f} x same-bytes floor"
        print(f"  {label:<34} {lo['rps']:>8.1f} req/s  p95 {lo['p95_ms']:>7.1f} ms  (1 client: p95 {one['p95_ms']:.1f} ms)"
              + ratio + (f"  [{lo['status_errors']} bad status]" if lo["status_errors"] else ""))
    # The references again at the end: the machine's load drifts (other work on it), so the ratios use the
    # mean of the two measurements, and the report shows both.
    for name in ("static", "floor"):
        entry = results.get(name)
        if entry and "loaded" in entry:
            again = load.run(generator, server.base_url, entry["path"], connections=args.connections, seconds=seconds,
                             headers=["Accept-Encoding: gzip"])
            entry["loaded_again"] = again
            entry["loaded_first"] = entry["loaded"]
            entry["loaded"] = {**entry["loaded"], "rps": round((entry["loaded"]["rps"] + again["rps"]) / 2, 1)}
            print(f"  {entry['label']:<34} again: {again['rps']:>8.1f} req/s (mean {entry['loaded']['rps']:.1f})")
    if "article_cold" in results and "loaded" in results["article_cold"]:
        distinct = notes["article_cold"]["distinct_urls"]
        results["article_cold"]["all_misses"] = cold_cursor <= distinct
        rendered = notes.get("renders", {})
        if rendered_only and rendered.get("available"):
            results["article_cold"]["stories_asked"] = cold_cursor - 1
            results["article_cold"]["round_rendered"] = rendered["cold_urls_rendered"]
        elif rendered.get("available"):
            # Past the stories given a stored render beforehand, a request renders and stores one first.
            results["article_cold"]["stories_asked"] = cold_cursor - 1
            results["article_cold"]["within_rendered"] = cold_cursor - 1 <= rendered["cold_urls_rendered"]
    return results


def interleaved_ratio(slices):
    """The page's throughput over the same-bytes floor's, each summed over its slices; and each round's ratio (its
    page slice over the mean of the floor slices either side), to show the spread."""
    def rps(runs):
        return sum(r["requests"] for r in runs) / sum(r["seconds"] for r in runs)

    pages, floors = slices["page"], slices["floor"]
    rounds = [pages[i]["rps"] / ((floors[i]["rps"] + floors[i + 1]["rps"]) / 2) for i in range(len(pages))]
    bad = sum(r["status_errors"] for r in pages)
    return {"ratio": round(rps(pages) / rps(floors), 3), "page_rps": round(rps(pages), 1),
            "floor_rps": round(rps(floors), 1), "rounds": [round(r, 3) for r in rounds],
            "slice_seconds": INTERLEAVE_SLICE, "status_errors": bad}


def save_same_bytes(url, name, headers):
    """Save the body `url` answers as the same-bytes floor's page `name` (bench/views.py); its size in bytes."""
    from .views import SAME_BYTES_DIR

    request = urllib.request.Request(url, headers=dict(h.split(": ", 1) for h in headers))
    with urllib.request.urlopen(request, timeout=30) as response:
        content = response.read()
    SAME_BYTES_DIR.mkdir(parents=True, exist_ok=True)
    (SAME_BYTES_DIR / f"{name}.html").write_bytes(content)
    return len(content)


def newsroom_phase(args, common, port, generator, log_file):
    """Hit ratio and retention on the simulated newsroom's own database (bench/newsroom.py)."""
    url = small_url(args.database_url, "_newsroom")
    env = bench_env(url, site_url=SITE_URL,
                    **{**common, "key_prefix": common["key_prefix"] + "-newsroom"})
    print(f"== simulated newsroom: {args.newsroom_stories:,} stories, seeded afresh")
    seeded = ensure_seeded(env, args.newsroom_stories, True, "newsroom")
    renders_file = TMP / "newsroom-renders.json"
    run_py(["-m", "bench.renders", "--all", "--out", str(renders_file)], env, capture_output=True)
    renders = json.loads(renders_file.read_text())
    if renders.get("available"):
        print(f"  stored renders: {renders['rendered']:,} stories rendered in {renders['seconds']} s")
    urls_file = TMP / "newsroom-urls.json"
    run_py(["-m", "bench.editor", "urls", "--out", str(urls_file)], env, capture_output=True)
    urls = json.loads(urls_file.read_text())
    local_seconds = float(env.get("NEWSROOM_PAGE_CACHE_LOCAL_SECONDS", "1"))  # production's default
    page_seconds = int(env.get("NEWSROOM_PAGE_CACHE_SECONDS", "300"))  # production's default
    # Each experiment on a cache of its own (a key prefix of its own, the servers and the desk sharing it): pages
    # stored by one would otherwise reach their expiry, all at once, in the middle of the other.
    env_kept = {**env, "CACHE_KEY_PREFIX": env["CACHE_KEY_PREFIX"] + "-retention"}
    with Serving(env_kept, args, port, log_file) as server:
        print(f"== retention: every story page cached ({len(urls['stories']):,}), then one story published")
        kept = newsroom.retention(server, env_kept, ROOT, urls, TMP, local_seconds)
    kept["page_cache_seconds"] = page_seconds
    kept["within_page_lifetime"] = kept["longest_stored_to_checked"] < page_seconds
    other, same = kept["other_sections"], kept["same_section"]
    print(f"  other sections: {other['still_cached']} of {other['cached_before']} story pages still cached; "
          f"same section: {same['still_cached']} of {same['cached_before']}")
    if not kept["within_page_lifetime"]:
        print(f"  ! up to {kept['longest_stored_to_checked']} s from a page stored to its check: past the pages' "
              f"lifetime ({page_seconds} s), so a page that missed may have expired rather than been purged")
    env_hits = {**env, "CACHE_KEY_PREFIX": env["CACHE_KEY_PREFIX"] + "-hits"}
    with Serving(env_hits, args, port, log_file) as server:
        print(f"== hit ratio: Zipf s={args.zipf} reads for {args.newsroom_seconds}s, one change every "
              f"{args.edit_every:g}s by the desk (its own process), generator {generator}")
        ratio = newsroom.hit_ratio(server, env_hits, ROOT, urls, TMP, generator=generator, wrk=load.wrk_path(),
                                   connections=args.connections, seconds=args.newsroom_seconds,
                                   every=args.edit_every, zipf_s=args.zipf)
    print(f"  {ratio['from_cache']:,} of {ratio['responses']:,} responses from the cache "
          f"({ratio['ratio']:.1%}) at {ratio['load']['rps']:.0f} req/s; {len(ratio['events'])} changes")
    return {"stories": args.newsroom_stories, "database": url.rsplit("/", 1)[-1], "seeding": seeded, "renders": renders,
            "local_seconds": local_seconds, "retention": kept, "hit_ratio": ratio}


class Serving:
    """gunicorn and django-tasks' database worker (background renders and purges), as production runs them."""

    def __init__(self, env, args, port, log_file):
        self.env, self.log_file = env, log_file
        self.server = Gunicorn(env, workers=args.workers, worker_class=args.worker_class, port=port, log_file=log_file)
        self.worker = None

    def __enter__(self):
        log = open(self.log_file, "ab")
        self.worker = subprocess.Popen([sys.executable, "manage.py", "db_worker", "--interval", "1"], cwd=ROOT,
                                       env=self.env, stdout=log, stderr=log, start_new_session=True)
        try:
            return self.server.start()
        except BaseException:
            stop_process_group(self.worker)
            raise

    def __exit__(self, *exc):
        try:
            self.server.stop()
        finally:
            stop_process_group(self.worker)


def main(argv=None):
    args = parse_args(argv)
    args.connections = args.connections or args.workers
    args.latency_seconds = args.latency_seconds or max(args.seconds // 2, 2)
    only = set(args.only.split(",")) if args.only else None
    generator = check_tools(args)
    TMP.mkdir(parents=True, exist_ok=True)
    pg_version = psql_ok(args.database_url)
    redis_ok(args)
    run_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    cache_url = args.cache_url if args.cache == "redis" else "locmem://"
    common = {"cache_url": cache_url, "key_prefix": f"bench-{run_id}", "static_root": TMP / "static",
              "media_root": TMP / "media"}
    port = free_port()
    env_big = bench_env(args.database_url, site_url=SITE_URL, **common)
    env_small = bench_env(small_url(args.database_url), site_url=SITE_URL, **common)
    started = time.monotonic()
    info = machine(pg_version, generator)
    log_file = TMP / f"gunicorn-{run_id}.log"
    config = {"stories": args.stories, "workers": args.workers, "worker_class": args.worker_class,
              "connections": args.connections, "seconds_per_page": args.seconds,
              "one_client_seconds": args.latency_seconds, "generator": generator,
              "cache": args.cache, "database": args.database_url.rsplit("/", 1)[-1]}

    if args.newsroom_only:
        print("== collectstatic (production's manifest storage)")
        collectstatic(env_big)
        result = {"run": run_id, "machine": info, "config": config,
                  "newsroom": newsroom_phase(args, common, port, generator, log_file)}
        info["loadavg_end"] = os.getloadavg()
        result["seconds_total"] = round(time.monotonic() - started, 1)
        result["targets"] = report.newsroom_targets(result["newsroom"])
        return write(result, args.out or str(RESULTS / f"newsroom-{args.newsroom_stories}"), report.newsroom_markdown)

    print("== seeding")
    seeded_small = ensure_seeded(env_small, SMALL_STORIES, args.reseed, "1k")
    seeded_big = ensure_seeded(env_big, args.stories, args.reseed, f"{args.stories // 1000}k"
                               if args.stories % 1000 == 0 else str(args.stories))
    print("== collectstatic (production's manifest storage)")
    collectstatic(env_big)
    print("== queries per page (test client, same settings)")
    probe_small = probe(env_small, "1k", args.render_first)
    probe_big = probe(env_big, "big", args.render_first)
    rendered = probe_big["notes"].get("renders", {})
    if rendered.get("available"):
        print(f"  stored renders: {rendered['rendered']:,} rendered of {rendered['asked']:,} asked for, in {rendered['seconds']} s")
    urls, notes, cookie = probe_big["urls"], probe_big["notes"], probe_big["cookie"]
    print(f"== load: gunicorn {args.workers} {args.worker_class} workers, {args.connections} connections, {args.seconds}s per page, generator {generator}")
    with Gunicorn(env_big, workers=args.workers, worker_class=args.worker_class, port=port, log_file=log_file) as server:
        pages = measure(server, generator, urls, notes, cookie, args, only, interleave={"article_warm"})
        rss = server.peak_rss_mb()
    print("== cold: the page cache off (NEWSROOM_PAGE_CACHE_SECONDS=0), Redis on (site state, blocks, fragments)")
    env_cold = {**env_big, "NEWSROOM_PAGE_CACHE_SECONDS": "0", "CACHE_KEY_PREFIX": common["key_prefix"] + "-cold"}
    with Gunicorn(env_cold, workers=args.workers, worker_class=args.worker_class, port=port, log_file=log_file) as server:
        cold = measure(server, generator, urls, notes, cookie, args, only, pages=COLD_PAGES, rendered_only=True,
                       interleave={"home", "article_cold", "section_first"})
        rss_cold = server.peak_rss_mb()
    print("== load without the page cache (CACHE_URL=dummy://): what every cache miss costs")
    with Gunicorn({**env_big, "CACHE_URL": "dummy://"}, workers=args.workers, worker_class=args.worker_class,
                  port=port, log_file=log_file) as server:
        uncached = measure(server, generator, urls, notes, cookie, args, only,
                           pages=UNCACHED_PAGES, seconds=max(args.seconds // 2, 2), warm_up=False)
        rss_uncached = server.peak_rss_mb()
    simulated = None if args.skip_newsroom else newsroom_phase(args, common, port, generator, log_file)
    info["loadavg_end"] = os.getloadavg()

    result = {
        "run": run_id,
        "seconds_total": round(time.monotonic() - started, 1),
        "machine": info,
        "config": config,
        "seeding": {"big": seeded_big, "small": seeded_small},
        "pages": pages,
        "cold": cold,
        "uncached": uncached,
        "newsroom": simulated,
        "queries": {"small": probe_small["queries"], "big": probe_big["queries"]},
        "probe_notes": probe_big["notes"],
        "peak_rss_mb_per_worker": rss,
        "peak_rss_mb_per_worker_cold": rss_cold,
        "peak_rss_mb_per_worker_uncached": rss_uncached,
    }
    result["targets"] = report.targets(result)
    return write(result, args.out or str(RESULTS / f"bench-{args.stories}"), report.markdown)


def write(result, stem, render):
    Path(stem + ".json").write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
    markdown = render(result)
    Path(stem + ".md").write_text(markdown)
    print()
    print(markdown)
    print(f"Results: {stem}.json and {stem}.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
