"""The bench's verdicts (the issue's targets) and its Markdown report."""


def _loaded(pages, name):
    entry = pages.get(name) or {}
    return entry.get("loaded")


def _one(pages, name):
    entry = pages.get(name) or {}
    return entry.get("one_client")


def floor_for(pages, name):
    """The floor's throughput to compare a page with: measured around that page if it was, else the run's."""
    entry = pages.get(name) or {}
    if entry.get("floor_nearby_rps"):
        return entry["floor_nearby_rps"]
    floor = _loaded(pages, "floor")
    return floor["rps"] if floor else None


def _verdict(ok):
    return "n/a" if ok is None else ("PASS" if ok else "MISS")


def targets(result):
    """Each target of issue 7 with the measured figure, the bound and PASS / MISS (n/a if not measured)."""
    pages, uncached = result["pages"], result.get("uncached", {})
    out = []

    def add(name, measured, bound, ok, note=""):
        out.append({"target": name, "measured": measured, "bound": bound, "verdict": _verdict(ok), "note": note})

    for page, share in (("article_warm", 0.8), ("article_cold", 0.3)):
        figures = _loaded(pages, page)
        floor_rps = floor_for(pages, page)
        if floor_rps and figures:
            ratio = figures["rps"] / floor_rps
            add(f"{pages[page]['label']} >= {share:.0%} of the floor's throughput", f"{ratio:.0%}", f">= {share:.0%}",
                ratio >= share, f"{figures['rps']:.0f} vs {floor_rps:.0f} req/s (floor measured around it)")
        else:
            add(f"{page} >= {share:.0%} of the floor", None, f">= {share:.0%}", None)
    for page in ("search_common", "search_rare", "search_plain"):
        # Search is measured without the page cache: real searches are too varied to be cache hits.
        for where, figures in (("uncached, loaded", _loaded(uncached, page)), ("uncached, 1 client", _one(uncached, page))):
            label = (pages.get(page) or uncached.get(page) or {}).get("label", page)
            add(f"{label} p95 < 50 ms ({where})", figures and f"{figures['p95_ms']:.1f} ms", "< 50 ms",
                figures and figures["p95_ms"] < 50)
    for where, figures in (("loaded", _loaded(pages, "admin_changelist")), ("1 client", _one(pages, "admin_changelist"))):
        add(f"Admin changelist p95 < 250 ms ({where})", figures and f"{figures['p95_ms']:.1f} ms", "< 250 ms",
            figures and figures["p95_ms"] < 250)
    first, deep = _loaded(uncached, "section_first"), _loaded(uncached, "section_deep")
    if first and deep:
        ratio = deep["p95_ms"] / first["p95_ms"] if first["p95_ms"] else 0
        add("Deep section page p95 <= 2x page 1 (uncached, loaded)", f"{ratio:.2f}x", "<= 2x", ratio <= 2,
            f"{deep['p95_ms']:.1f} vs {first['p95_ms']:.1f} ms")
    else:
        add("Deep section page <= 2x page 1", None, "<= 2x", None)
    small, big = result["queries"]["small"], result["queries"]["big"]
    # Who the editor is (session, user, permissions) is not content: compare the content queries.
    differing = [name for name in big if not name.startswith("_") and name in small
                 and query_difference(small[name], big[name])]
    add("Queries per page the same at 1k and at the big size", "differ: " + ", ".join(differing) if differing else "same",
        "same", not differing, "; ".join(f"{name}: {query_difference(small[name], big[name])}" for name in differing))
    return out


def _tables(sql_list):
    """How many queries each page made per table (the first table after FROM, or the statement kind)."""
    import re

    counts = {}
    for sql in sql_list:
        match = re.search(r'\bFROM\s+"?(\w+)"?', sql) or re.match(r"\s*(\w+)", sql)
        name = match.group(1) if match else "?"
        if name.startswith(("auth_", "django_session", "django_content_type")):
            continue
        if "COUNT(" in sql.upper():
            name += " COUNT"
        counts[name] = counts.get(name, 0) + 1
    return counts


def query_difference(small, big):
    """Which tables a page queried a different number of times at 1k and at the big size."""
    a, b = _tables(small.get("sql_cold", [])), _tables(big.get("sql_cold", []))
    return ", ".join(f"{t} {a.get(t, 0)} vs {b.get(t, 0)}" for t in sorted(set(a) | set(b)) if a.get(t, 0) != b.get(t, 0))


def _ms(value):
    return "" if value is None else f"{value:.1f}"


def markdown(result):
    m = result["machine"]
    c = result["config"]
    pages, uncached = result["pages"], result.get("uncached", {})
    q_small, q_big = result["queries"]["small"], result["queries"]["big"]
    static = _loaded(pages, "static")
    lines = [
        f"# Newsroom bench, {c['stories']:,} stories ({result['run']} UTC)",
        "",
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory_gib']} GiB; Python {m['python']}, Django {m['django']}, "
        f"gunicorn {m['gunicorn']}, PostgreSQL {m['postgresql']}, {m['redis']}; load generator: {m['load_generator']}.",
        f"Load average at start {tuple(round(x, 2) for x in m['loadavg_start'])}, at end "
        f"{tuple(round(x, 2) for x in m.get('loadavg_end', ()))}. The machine is shared: other engineers ran test "
        "suites during the run, so absolute figures are noisy; the ratios to the floor, measured on the same server "
        "around each page, are the figures to compare.",
        "",
        f"Server: gunicorn, {c['workers']} {c['worker_class']} workers, production settings (DEBUG off), "
        f"PostgreSQL database `{c['database']}`, page cache: {c['cache']}. Load: {c['connections']} connections for "
        f"{c['seconds_per_page']} s per page, then 1 client for {c['one_client_seconds']} s (latency without queueing).",
        "",
        "Ratios: each page's throughput over the floor's, the floor being measured for a few seconds right before and "
        "right after that page (the load on a shared machine drifts); over the static file's mean throughput.",
        "",
        "| Page | req/s | p50 ms | p95 ms | p99 ms | p95 ms, 1 client | vs floor | vs static | queries miss 1k / big | queries hit |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, entry in pages.items():
        qs, qb = q_small.get(name, {}), q_big.get(name, {})
        queries = f"{qs.get('queries_cold', '')} / {qb.get('queries_cold', '')}" if qb else ""
        hit = str(qb.get("queries_warm", "")) if qb else ""
        lo, one = entry.get("loaded"), entry.get("one_client")
        if not lo:
            lines.append(f"| {entry['label']} | {entry['status']} | | | | | | | {queries} | {hit} |")
            continue
        vs_floor = f"{lo['rps'] / floor_for(pages, name):.2f}" if floor_for(pages, name) else ""
        vs_static = f"{lo['rps'] / static['rps']:.3f}" if static else ""
        flag = f" ({lo['status_errors']} bad status)" if lo["status_errors"] else ""
        lines.append(
            f"| {entry['label']}{flag} | {lo['rps']:.0f} | {_ms(lo['p50_ms'])} | {_ms(lo['p95_ms'])} | {_ms(lo['p99_ms'])} "
            f"| {_ms(one['p95_ms'])} | {vs_floor} | {vs_static} | {queries} | {hit} |"
        )
    if uncached:
        lines += [
            "",
            "Without the page cache (CACHE_URL=dummy://, every request renders the page: what a cache miss costs, "
            "and what every search costs):",
            "",
            "| Page | req/s | p50 ms | p95 ms | p99 ms | p95 ms, 1 client | vs floor |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, entry in uncached.items():
            lo, one = entry.get("loaded"), entry.get("one_client")
            if not lo:
                lines.append(f"| {entry['label']} | {entry['status']} | | | | | |")
                continue
            vs_floor = f"{lo['rps'] / floor_for(uncached, name):.2f}" if floor_for(uncached, name) else ""
            lines.append(f"| {entry['label']} | {lo['rps']:.0f} | {_ms(lo['p50_ms'])} | {_ms(lo['p95_ms'])} | "
                         f"{_ms(lo['p99_ms'])} | {_ms(one['p95_ms'])} | {vs_floor} |")
    lines += ["", "| Target | Measured | Bound | Verdict | Note |", "|---|---|---|---|---|"]
    for t in result["targets"]:
        lines.append(f"| {t['target']} | {t['measured'] or ''} | {t['bound']} | {t['verdict']} | {t['note']} |")
    seeded = result["seeding"]
    big = seeded["big"]
    lines += [
        "",
        f"Seeding: {big['stories']:,} stories in {big['seconds']} s "
        f"({'reused from an earlier run' if big.get('reused') else 'this run'}); rows: "
        + ", ".join(f"{k} {v:,}" for k, v in big["counts"].items())
        + f". The 1k database: {seeded['small']['seconds']} s.",
        f"Peak RSS per worker (MiB): {result['peak_rss_mb_per_worker']} with the page cache, "
        f"{result.get('peak_rss_mb_per_worker_uncached')} without.",
    ]
    for name in ("static", "floor"):
        entry = pages.get(name) or {}
        if "loaded_again" in entry:
            lines.append(f"{entry['label']}: {entry['loaded_first']['rps']:.0f} req/s at the start, "
                         f"{entry['loaded_again']['rps']:.0f} at the end; the ratios use the mean, {entry['loaded']['rps']:.0f}.")
    cold = pages.get("article_cold") or {}
    if "all_misses" in cold:
        lines.append(f"Cold article run: {'every request was a distinct story (all cache misses)' if cold['all_misses'] else 'the list of distinct stories ran out, so some requests were cache hits'}.")
    lines.append("")
    return "\n".join(lines)
