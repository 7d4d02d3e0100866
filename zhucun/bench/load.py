"""The write-path benchmark: concurrent clients on loopback against gunicorn.

Two runs against the same stack (same settings, same workers, same database):
the bench-only minimal endpoint (one indexed insert), and cadres' check-ins
and work logs through the JSON API (/api/v1/checkins, /api/v1/worklogs), each
client a stationed cadre with its own bearer token, each request with its own
Idempotency-Key as a phone sends it. Both endpoints are warmed up first; then each
run is bounded in time and in number of requests, and made of stretches: minimal,
API, API, minimal, four times.
"""

from __future__ import annotations

import json
import os
import secrets
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.db import connection
from django.utils import timezone

CLIENTS = 32
WORKERS = 4
SECONDS = 12.0
# Each endpoint is measured in stretches, in this order: a steady drift of the machine's
# speed weighs on both alike, and a burst of a few seconds (another machine's work on
# the same host) on each about as often. Eight of 1.5 s each, not four: a stretch a
# quarter slower than the others (seen in several runs) moves an endpoint's figure half
# as much.
STRETCHES = ("minimal", "api", "api", "minimal") * 4
# Per stretch: at S=1 the time bounds both endpoints' stretches (the minimal one answers
# ~1,500 requests a second), so that both are measured for as long.
MAX_REQUESTS = 3000
# The warm-up's clients: enough at once to reach every worker.
WARMING_CLIENTS = 2 * WORKERS
# The smoke run (S=0.05) needs every figure, not a steady one: below S=0.25 a run is
# bounded by proportionally less time, at least SHORTEST (the 2-minute budget).
FULL_FROM_SCALE = 0.25
SHORTEST = 2.0


def run_seconds(scale: float) -> float:
    """How long each endpoint is measured at scale S: SECONDS from S=0.25 up, at least
    SHORTEST."""
    return round(min(SECONDS, max(SHORTEST, SECONDS * scale / FULL_FROM_SCALE)), 2)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tokens(count: int) -> list[str]:
    """Bearer tokens of `count` stationed cadres on post today, made as a user makes one."""
    from zhucun.accounts.models import User
    from zhucun.api.services import api_token_create
    from zhucun.org.models import Cadre
    from zhucun.stationing.models import NON_COUNTED_ROLES, Assignment

    today = timezone.localdate()
    cadre_ids = list(
        Assignment.objects.filter(start__lte=today, end__isnull=True)
        .exclude(role__in=NON_COUNTED_ROLES)
        .order_by("cadre_id")
        .values_list("cadre_id", flat=True)
        .distinct()[:count]
    )
    tokens = []
    for cadre in Cadre.objects.filter(pk__in=cadre_ids).select_related("user"):
        user = cadre.user
        if user is None:
            user = User(username=f"bench{cadre.pk}", full_name=cadre.name)
            user.set_unusable_password()
            user.password_changed_at = timezone.now()
            user.save()
            cadre.user = user
            cadre.save(update_fields=["user"])
        _token, raw = api_token_create(user=user, name="基准测试客户端")
        tokens.append(raw)
    return tokens


def api_writes(tokens: list[str]):
    """The write path's requests: client n's i-th request, a check-in or a log save in turn.

    (method, path, body, headers) as the load generator sends them; each client is one
    cadre with its bearer token.
    """
    today = timezone.localdate().isoformat()
    run = uuid.uuid4().hex[:8]  # keys of an earlier run on this database are not resends

    def submit(n: int, i: int):
        headers = {
            "Content-Type": "application/json",
            "Host": "localhost",
            "Authorization": f"Bearer {tokens[n % len(tokens)]}",
            # A new key per request: each is a new write, not a resend.
            "Idempotency-Key": f"bench-{run}-{n}-{i}",
        }
        if i % 2 == 0:
            return "POST", "/api/v1/checkins", b"{}", headers
        body = {"day": today, "tasks": [1, 3], "content": f"入户走访结对户,第{i}次修改"}
        return "POST", "/api/v1/worklogs", json.dumps(body).encode(), headers

    return submit


def _write_out_earlier_writes() -> None:
    """Write out what the sections before this one left in the database's log and
    buffers (the roster import's 75,000 households, the boards' refresh), as a
    database benchmark starts from a checkpoint: otherwise the server writes it out
    while the endpoints are measured, on the stretches it happens to overlap."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _server_cpu(server_pid: int) -> float | None:
    """CPU seconds used so far by the gunicorn workers (children of `server_pid`), from /proc.

    Unlike requests per second, CPU per request hardly depends on what else
    runs on the machine. On SQLite the database's work is in the workers; a
    PostgreSQL server's own work is not counted.
    """
    total, tick = 0, os.sysconf("SC_CLK_TCK")
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                # After "(command)": state, ppid, ..., utime and stime are the 12th and 13th.
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == server_pid:
            total += int(fields[11]) + int(fields[12])
    return total / tick


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) of process `pid` so far, from /proc; 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _database_cpu() -> dict[int, float] | None:
    """CPU seconds so far of each PostgreSQL backend serving this database (the gunicorn
    workers' persistent connections), by pid; None on SQLite (its work is in the workers)
    or when the server's processes are not on this machine.

    The workers' CPU leaves out what the PostgreSQL server does for them: parsing,
    planning and running their statements.
    """
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        pids = [pid for (pid,) in cursor.fetchall()]
    connection.close()  # not a backend of the run
    if not all(os.path.exists(f"/proc/{pid}/stat") for pid in pids):
        return None
    return {pid: _proc_cpu(pid) for pid in pids}


def _request_bytes(method: str, path: str, body: bytes, headers: dict) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items())]
    lines += [f"Content-Length: {len(body)}", "Connection: close", "", ""]
    return "\r\n".join(lines).encode() + body


class _Client:
    """One closed-loop client: its request in flight, on its own connection."""

    __slots__ = ("n", "i", "sock", "request", "sent", "first", "started")

    def __init__(self, n: int):
        self.n, self.i = n, 0


def _clients_loop(port: int, make_request, clients: int, deadline: float, record) -> None:
    """Run `clients` closed-loop clients until `deadline` (or MAX_REQUESTS answers): each
    sends its next request on a new connection as soon as the last one's answer has come
    whole (gunicorn's sync workers close the connection after each answer), and `record`
    gets (status or "connection", seconds from connecting to the answer's end).

    One thread drives every connection through the kernel's readiness notifications
    (selectors), on the same CPUs as the server: a thread per client woke up and took
    its turn at the GIL for each request, and spent more CPU per request (against a
    server that answers at once, 0.16 ms against 0.19-0.28). What the server sees is
    the same: 32 connections, each with one request at a time, a new connection per
    request. A request not answered in 30 s is a "connection" failure, as the threads'
    socket timeout made it.
    """
    selector = selectors.DefaultSelector()
    address = ("127.0.0.1", port)
    done = [0]

    def start(client: _Client) -> None:
        if time.perf_counter() >= deadline or done[0] >= MAX_REQUESTS:
            return
        client.request = _request_bytes(*make_request(client.n, client.i))
        client.i += 1
        client.sent, client.first = 0, b""
        client.started = time.perf_counter()
        client.sock = sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        # On loopback the connection is usually made at once: then the request goes
        # out now, and the client waits only for the answer (one wake-up, not two).
        if sock.connect_ex(address) == 0:
            try:
                client.sent = sock.send(client.request)
            except BlockingIOError:
                pass
            except OSError:
                selector.register(sock, selectors.EVENT_READ, client)
                finish(client, "connection")
                return
        events = (
            selectors.EVENT_READ if client.sent == len(client.request) else selectors.EVENT_WRITE
        )
        selector.register(sock, events, client)

    def finish(client: _Client, status: str) -> None:
        selector.unregister(client.sock)
        client.sock.close()
        done[0] += 1
        record(status, time.perf_counter() - client.started)
        start(client)

    for n in range(clients):
        start(_Client(n))
    next_check = time.perf_counter() + 1.0
    while selector.get_map():
        ready = selector.select(timeout=1.0)
        for key, events in ready:
            client, sock = key.data, key.fileobj
            try:
                if events & selectors.EVENT_WRITE:
                    client.sent += sock.send(client.request[client.sent :])
                    if client.sent == len(client.request):
                        selector.modify(sock, selectors.EVENT_READ, client)
                    continue
                # Read to the end: the server closes right after its answer, so the end
                # has often come with it (one wake-up for both).
                while chunk := sock.recv(65536):
                    if len(client.first) < 16:
                        client.first += chunk
            except BlockingIOError:
                continue  # more to come
            except OSError:
                finish(client, "connection")
                continue
            # The answer has ended: "HTTP/1.1 201 Created\r\n..."
            try:
                status = client.first.split(b" ", 2)[1].decode()
                int(status)
            except (IndexError, ValueError):
                status = "connection"
            finish(client, status)
        now = time.perf_counter()
        if now >= next_check:  # once a second, not on every wake-up
            next_check = now + 1.0
            for key in list(selector.get_map().values()):
                if now - key.data.started > 30:
                    finish(key.data, "connection")


def _run(
    port: int, make_request, clients: int, seconds: float = SECONDS, server_pid: int | None = None
) -> dict:
    return _summary([_measured(port, make_request, clients, seconds, server_pid)])


def _measured(port: int, make_request, clients: int, seconds: float, server_pid: int | None):
    """One stretch of load: its answers' latencies, its failures, and the wall and CPU
    seconds it took (the load generator's, gunicorn's workers', PostgreSQL's backends')."""
    latencies: list[float] = []
    failures: dict[str, int] = {}  # status (or "connection") -> count, to tell why

    def record(status: str, elapsed: float) -> None:
        if status in ("200", "201"):
            latencies.append(elapsed)
        else:
            failures[status] = failures.get(status, 0) + 1

    started = time.perf_counter()
    # The clients share the machine with the server: their own CPU is part of the picture.
    cpu_started = time.process_time()
    server_cpu_started = _server_cpu(server_pid) if server_pid else None
    database_cpu_started = _database_cpu() if server_pid else None
    _clients_loop(port, make_request, clients, started + seconds, record)
    wall = time.perf_counter() - started
    client_cpu = time.process_time() - cpu_started
    server_cpu = (
        _server_cpu(server_pid) - server_cpu_started if server_cpu_started is not None else None
    )
    database_cpu_ended = _database_cpu() if database_cpu_started is not None else None
    database_cpu = (
        sum(cpu - database_cpu_started.get(pid, 0.0) for pid, cpu in database_cpu_ended.items())
        if database_cpu_ended is not None
        else None
    )
    return {
        "latencies": latencies,
        "failures": failures,
        "wall": wall,
        "client_cpu": client_cpu,
        "server_cpu": server_cpu,
        "database_cpu": database_cpu,
    }


def _summary(parts: list[dict]) -> dict:
    """The figures of one endpoint's stretches (`_measured`) taken together."""
    latencies = sorted(x for part in parts for x in part["latencies"])
    failures: dict[str, int] = {}
    for part in parts:
        for status, count in part["failures"].items():
            failures[status] = failures.get(status, 0) + count

    def total(key):
        values = [part[key] for part in parts]
        return None if None in values else sum(values)

    wall, client_cpu = total("wall"), total("client_cpu")
    server_cpu, database_cpu = total("server_cpu"), total("database_cpu")
    errors = sum(failures.values())
    count = len(latencies)
    sent = count + errors
    return {
        "requests": count,
        "errors": errors,
        "failures": failures,
        "rps": round(count / wall, 1),
        # Each stretch's own, in the order run: how much the machine's speed moved.
        "rps_by_stretch": [round(len(part["latencies"]) / part["wall"], 1) for part in parts],
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if count else None,
        "p99_ms": round(latencies[min(count - 1, int(count * 0.99))] * 1000, 1) if count else None,
        # CPU time per request sent: the load generator's (its one thread, every client),
        # and gunicorn's workers' (10 ms resolution over the whole run).
        "client_cpu_ms": round(client_cpu * 1000 / sent, 2) if sent else None,
        "server_cpu_ms": round(server_cpu * 1000 / sent, 2)
        if sent and server_cpu is not None
        else None,
        # PostgreSQL's backends' CPU per request, for the workers' connections (None on
        # SQLite, whose work is in server_cpu_ms).
        "database_cpu_ms": round(database_cpu * 1000 / sent, 2)
        if sent and database_cpu is not None
        else None,
    }


def write_path(scale: float = 1.0) -> dict:
    seconds = run_seconds(scale)
    # The measured clients' cadres, then the warm-up's own (see below).
    tokens = _tokens(CLIENTS + WARMING_CLIENTS)
    tokens, warming = tokens[:CLIENTS], tokens[CLIENTS:]
    _write_out_earlier_writes()
    connection.close()  # gunicorn's workers write to the same database
    port = _free_port()
    # Persistent database connections, as a production server keeps them:
    # without them every request of both endpoints opens a connection first.
    env = {**os.environ, "ZHUCUN_BENCH_ENDPOINTS": "true", "ZHUCUN_DB_CONN_MAX_AGE": "60"}
    # Production's settings, not the bench command's development ones: DEBUG off (no query
    # log, which costs each statement, so the API's several more than the minimal insert).
    # TLS ends at the intranet's proxy, so the server's own redirect is off on loopback;
    # neither endpoint sets a cookie.
    env |= {
        "ZHUCUN_DEBUG": "false",
        "ZHUCUN_SECRET_KEY": secrets.token_urlsafe(50),
        "ZHUCUN_SSL_REDIRECT": "false",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "zhucun.bench.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            # Workers fork from a master that imported Django once, not four times over.
            "--preload",
        ],
        env=env,
        start_new_session=True,  # its own process group: the master and its workers
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        form = {"Content-Type": "application/x-www-form-urlencoded", "Host": "localhost"}

        def ping(n, i):
            return "POST", f"/bench/ping/?client={n}", b"", form

        # Both endpoints warmed up before either is measured: each worker's first calls
        # of an endpoint prepare its statements on the worker's connection and fill the
        # caches of its process and of its connection's server process. The API's by
        # cadres of their own: the measured clients' first check-in and log of the day
        # (an insert, where their later ones find the row) stay in the measured stretches.
        warm_up = min(1.0, seconds / 4)
        _run(port, ping, WARMING_CLIENTS, seconds=warm_up)
        _run(port, api_writes(warming), WARMING_CLIENTS, seconds=warm_up)
        # Each endpoint in stretches (STRETCHES): the machine's speed drifts during a
        # run (the minimal endpoint's CPU per request varied by ±15 % between runs a
        # minute apart). A new set of keys for each stretch: keys used before would be
        # answered from the ledger.
        stretches: dict[str, list] = {"minimal": [], "api": []}
        share = seconds / STRETCHES.count("api")
        for name in STRETCHES:
            make_request = ping if name == "minimal" else api_writes(tokens)
            stretches[name].append(_measured(port, make_request, CLIENTS, share, server.pid))
        baseline, writes = _summary(stretches["minimal"]), _summary(stretches["api"])
    finally:
        # Every client has finished and nothing is left to measure: the group is killed.
        # A worker stopped by a signal spends ~5 s of CPU tearing down the Django it
        # forked with (state R after "Worker exiting"), four at once, on the bench's time.
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
    return {
        "clients": CLIENTS,
        "gunicorn_workers": WORKERS,
        "seconds_per_run": seconds,
        "conn_max_age_s": 60,
        "via": "/api/v1/checkins + /api/v1/worklogs, bearer token per cadre, Idempotency-Key",
        "minimal": baseline,
        "checkins_and_logs": writes,
        # Three decimals: a ratio just under the target's 0.5 is not rounded up to it.
        "ratio": round(writes["rps"] / baseline["rps"], 3) if baseline["rps"] else None,
        # The ratio the server's CPU per request alone would give (minimal / write):
        # steadier than `ratio` on a shared machine.
        "server_cpu_ratio": round(baseline["server_cpu_ms"] / writes["server_cpu_ms"], 2)
        if baseline["server_cpu_ms"] and writes["server_cpu_ms"]
        else None,
        # The same with PostgreSQL's backends' CPU added to each (None on SQLite).
        "server_and_database_cpu_ratio": _cpu_ratio(baseline, writes),
    }


def _cpu_ratio(baseline: dict, writes: dict) -> float | None:
    keys = ("server_cpu_ms", "database_cpu_ms")
    if not all(run[key] for run in (baseline, writes) for key in keys):
        return None
    return round(sum(baseline[k] for k in keys) / sum(writes[k] for k in keys), 2)
