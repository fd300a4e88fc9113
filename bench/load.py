"""Load generators: wrk (Debian's package) when it is installed, else a small multi-process Python client.

Both are closed-loop: each connection sends a request, waits for the answer, sends the next. Latency is
measured per request from send to last byte. The Python client is slower than wrk and shares the two
cores with the server, so its figures for very fast pages (the static file) are bounded by the client;
the report says which generator was used.
"""
import http.client
import json
import multiprocessing
import os
import shutil
import subprocess
import time
from pathlib import Path

WRK_SCRIPT = Path(__file__).with_name("wrk.lua")


def wrk_path():
    return shutil.which("wrk")


def _summary(requests, seconds, latencies_us, statuses, errors, bytes_read, generator):
    latencies_us = sorted(latencies_us)

    def pct(p):
        if not latencies_us:
            return None
        return latencies_us[min(len(latencies_us) - 1, int(round(p / 100 * (len(latencies_us) - 1))))] / 1000

    bad_status = sum(n for code, n in statuses.items() if not 200 <= int(code) < 400)
    return {
        "generator": generator,
        "requests": requests,
        "seconds": round(seconds, 2),
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "p50_ms": pct(50), "p90_ms": pct(90), "p95_ms": pct(95), "p99_ms": pct(99),
        "status_errors": bad_status, "other_errors": errors, "bytes": bytes_read,
    }


def run_wrk(base_url, path, *, connections, seconds, headers=(), paths_file=None, first_line=1):
    """One wrk run against base_url+path; returns requests per second and latency percentiles in ms."""
    command = [wrk_path(), "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(WRK_SCRIPT)]
    for header in headers:
        command += ["-H", header]
    command.append(base_url + path)
    if paths_file:
        command += ["--", str(paths_file), str(first_line)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no summary: {done.stdout}\n{done.stderr}")
    data = json.loads(line[len("WRKJSON "):])
    seconds_run = data["duration_us"] / 1e6
    return {
        "generator": "wrk",
        "requests": data["requests"],
        "seconds": round(seconds_run, 2),
        "rps": round(data["requests"] / seconds_run, 1) if seconds_run else 0.0,
        "p50_ms": data["p50_us"] / 1000, "p90_ms": data["p90_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000, "p99_ms": data["p99_us"] / 1000,
        "status_errors": data["status_errors"],
        "other_errors": data["connect_errors"] + data["read_errors"] + data["write_errors"] + data["timeouts"],
        "bytes": data["bytes"],
    }


def _client_loop(args):
    host, port, paths, headers, deadline, offset = args
    latencies, statuses, errors, bytes_read = [], {}, 0, 0
    i = offset
    conn = None
    while time.monotonic() < deadline:
        path = paths[i % len(paths)]
        i += 1
        started = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, port, timeout=10)
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            latencies.append(int((time.perf_counter() - started) * 1e6))
            statuses[response.status] = statuses.get(response.status, 0) + 1
            bytes_read += len(body)
            if response.getheader("Connection", "").lower() == "close" or response.version == 10:
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException):
            errors += 1
            if conn is not None:
                conn.close()
            conn = None
    if conn is not None:
        conn.close()
    return latencies, statuses, errors, bytes_read


def run_python(base_url, path, *, connections, seconds, headers=(), paths_file=None, first_line=1):
    """The fallback: `connections` processes, each one keep-alive connection in a closed loop."""
    from urllib.parse import urlsplit

    parts = urlsplit(base_url)
    if paths_file:
        paths = [ln for ln in Path(paths_file).read_text().splitlines()[first_line - 1:] if ln]
    else:
        paths = [path]
    header_dict = dict(h.split(": ", 1) for h in headers)
    deadline = time.monotonic() + seconds
    stride = max(len(paths) // max(connections, 1), 1)
    jobs = [(parts.hostname, parts.port, paths, header_dict, deadline, n * stride) for n in range(connections)]
    started = time.monotonic()
    with multiprocessing.get_context("fork").Pool(connections) as pool:
        parts_out = pool.map(_client_loop, jobs)
    elapsed = time.monotonic() - started
    latencies, statuses, errors, bytes_read = [], {}, 0, 0
    for lat, st, err, nbytes in parts_out:
        latencies += lat
        errors += err
        bytes_read += nbytes
        for code, n in st.items():
            statuses[code] = statuses.get(code, 0) + n
    return _summary(len(latencies), elapsed, latencies, statuses, errors, bytes_read, "python")


def run(generator, *args, **kwargs):
    return (run_wrk if generator == "wrk" else run_python)(*args, **kwargs)


def cpu_count():
    return os.cpu_count() or 1
