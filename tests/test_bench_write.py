"""The write path's load: each client is a stationed cadre on post today with its own
bearer token, and every request it sends is one the API accepts (issue 8)."""

from django.test import Client

from zhucun.bench.load import _tokens, api_writes
from zhucun.stationing.models import CheckIn
from zhucun.worklogs.models import LogRevision, WorkLog


def send(client: Client, request):
    method, path, body, headers = request
    assert method == "POST"
    meta = {
        f"HTTP_{name.upper().replace('-', '_')}": value
        for name, value in headers.items()
        if name not in ("Content-Type", "Host")
    }
    return client.post(path, data=body, content_type=headers["Content-Type"], **meta)


def test_the_bench_clients_check_in_and_save_logs_through_the_api(cast):
    # Given a token for each stationed cadre on post (the bench asks for 32)
    tokens = _tokens(32)
    stationed = {cast.leader.pk, cast.member.pk}
    assert len(tokens) >= len(stationed)
    submit = api_writes(tokens)
    client = Client(HTTP_HOST="localhost")
    # When each client sends four requests: check-in, log, check-in, log
    statuses = [
        send(client, submit(n, i)).status_code for n in range(len(tokens)) for i in range(4)
    ]
    # Then every one is answered as a success (the load counts 200 and 201)
    assert set(statuses) <= {200, 201}
    # and each cadre checked in once today and wrote one log, amended once
    assert CheckIn.objects.filter(cadre_id__in=stationed).count() == 2
    for cadre_id in stationed:
        log = WorkLog.objects.get(cadre_id=cadre_id)
        assert log.revisions == 2
        assert LogRevision.objects.filter(log=log).count() == 2


def test_each_write_run_is_bounded_by_twelve_seconds_from_s_025_and_less_below():
    from zhucun.bench.load import run_seconds
    from zhucun.bench.sections import page_repeats

    # S=1 and S=0.25 keep the full runs; the smoke run (S=0.05) gets the 2-second floor
    assert [run_seconds(s) for s in (1, 0.25, 0.1, 0.05, 0.005)] == [12.0, 12.0, 4.8, 2.4, 2.0]
    assert [page_repeats(s) for s in (1, 0.25, 0.1, 0.05)] == [5, 5, 3, 3]


def test_the_load_generator_sends_each_request_whole_and_reads_its_status():
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from zhucun.bench.load import _run

    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, dict(self.headers), body))
            # Every fifth is refused: counted apart, by status
            self.send_response(409 if len(received) % 5 == 0 else 201)
            self.end_headers()
            self.wfile.write(b'{"id": 1}' * 10_000)  # longer than one read

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    body = '{"content": "入户走访"}'.encode()

    def check_in(n, i):
        # Given check-ins as the bench builds them, a key per client and request
        headers = {
            "Content-Type": "application/json",
            "Host": "localhost",
            "Idempotency-Key": f"k-{n}-{i}",
        }
        return "POST", f"/api/v1/checkins?client={n}", body, headers

    try:
        # When three closed-loop clients send them for half a second
        result = _run(server.server_port, check_in, 3, seconds=0.5)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
    # Then the server got each whole, on its own connection, from every client in turn
    assert received and all(got_body == body for _path, _headers, got_body in received)
    assert all(headers["Connection"] == "close" for _path, headers, _body in received)
    assert {path for path, _headers, _body in received} == {
        f"/api/v1/checkins?client={n}" for n in range(3)
    }
    for n in range(3):
        keys = [h["Idempotency-Key"] for p, h, _b in received if p.endswith(f"client={n}")]
        assert sorted(keys, key=lambda k: int(k.rsplit("-", 1)[1])) == [
            f"k-{n}-{i}" for i in range(len(keys))
        ]
    # and each answer's status is read: 201 counts, 409 is a failure
    refused = len(received) // 5
    assert result["requests"] == len(received) - refused
    assert result["errors"] == refused and result["failures"] == (
        {"409": refused} if refused else {}
    )
    assert result["p50_ms"] is not None and result["client_cpu_ms"] is not None


def test_a_request_the_server_never_answers_is_a_connection_failure():
    import socket

    from zhucun.bench.load import _run

    # Given a port nobody listens on
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # When a client sends to it
    result = _run(port, lambda n, i: ("POST", "/bench/ping/", b"", {}), 1, seconds=0.2)
    # Then every attempt is a connection failure, none an answer
    assert result["requests"] == 0
    assert result["errors"] >= 1 and result["failures"] == {"connection": result["errors"]}


def test_an_endpoints_stretches_are_counted_together():
    from zhucun.bench.load import _summary

    # Given two stretches of one endpoint: 3 answers in 1 s, then 1 answer and a 503 in 1 s
    first = {
        "latencies": [0.010, 0.030, 0.020],
        "failures": {},
        "wall": 1.0,
        "client_cpu": 0.003,
        "server_cpu": 0.006,
        "database_cpu": 0.0015,
    }
    second = {
        "latencies": [0.040],
        "failures": {"503": 1},
        "wall": 1.0,
        "client_cpu": 0.001,
        "server_cpu": 0.004,
        "database_cpu": 0.0005,
    }
    both = _summary([first, second])
    # Then the figures are those of the four answers over the two seconds
    assert both["requests"] == 4 and both["errors"] == 1 and both["failures"] == {"503": 1}
    assert both["rps"] == 2.0
    assert both["rps_by_stretch"] == [3.0, 1.0]
    assert both["p50_ms"] == 25.0 and both["p99_ms"] == 40.0
    # and CPU per request sent (five): the load generator's, the workers', the backends'
    assert (both["client_cpu_ms"], both["server_cpu_ms"], both["database_cpu_ms"]) == (
        0.8,
        2.0,
        0.4,
    )
    # SQLite has no backends' CPU: none in either stretch, none in the sum
    sqlite = _summary([{**first, "database_cpu": None}, {**second, "database_cpu": None}])
    assert sqlite["database_cpu_ms"] is None and sqlite["server_cpu_ms"] == 2.0
