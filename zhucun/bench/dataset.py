"""The benchmark city: the demo city at scale S with a full year of events everywhere.

zhucun.demo.city builds regions, units, teams, cadres, households, pairings and
(zhucun.demo.stationing) a year of check-ins, official business, duty days and
leave for the whole city. The demo gives contacts and work logs a full year only
in the demo logins' town; here every pairing gets a year of contacts and every
stationed cadre a year of work logs (DESIGN.md §4: S=1 ≈ 0.44 M cadre-days,
0.44 M logs, 5.7 M contacts). Same models, same codes, same seed → same rows.

Millions of rows cannot go through model instances quickly, so the event rows
are written as plain tuples: COPY on PostgreSQL, executemany on SQLite.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.db import connection, models, transaction

from zhucun import fixed_sql
from zhucun.accounts.models import User
from zhucun.api.models import IdempotencyRecord
from zhucun.bulkload import refresh_planner_statistics
from zhucun.demo.activity import HELP, LEARNED, LOG_TEXT, PROBLEMS
from zhucun.demo.city import build_city
from zhucun.households.models import Channel, Contact, ContactKind, Pairing
from zhucun.households.tallies import rebuild_contact_tallies
from zhucun.org.models import Cadre
from zhucun.rulebook.workdays import non_working_days
from zhucun.stationing.models import NON_COUNTED_ROLES, Assignment, CheckIn
from zhucun.worklogs.models import LogRevision, WorkLog

SHANGHAI = ZoneInfo("Asia/Shanghai")
BATCH = 20_000


def _fast_insert(model, fields: list[str], rows) -> int:
    """Insert tuples of `fields` values into model's table; return the row count."""
    columns = [model._meta.get_field(f) for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c.column) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        marks = ", ".join(["%s"] * len(columns))
        converters = [_sqlite_converter(c) for c in columns]
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
        batch = []
        for row in rows:
            batch.append(
                tuple(v if f is None else f(v) for f, v in zip(converters, row, strict=True))
            )
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _skip_foreign_key_checks():
    """For this transaction, no per-row foreign key triggers on PostgreSQL.

    Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so millions of
    copied rows queue millions of checks that all run at COMMIT (minutes at S=1).
    Every id written here was just read from its table, so the checks cannot
    fail. Needs a superuser (the throwaway cluster's `postgres`); elsewhere the
    checks simply run.
    """
    with connection.cursor() as cursor:
        cursor.execute("SAVEPOINT bench_fk")
        try:
            cursor.execute("SET LOCAL session_replication_role = replica")
        except Exception:  # not a superuser: keep the checks
            cursor.execute("ROLLBACK TO SAVEPOINT bench_fk")
        else:
            cursor.execute("RELEASE SAVEPOINT bench_fk")


def _sqlite_converter(field):
    """What Django's SQLite backend stores for a value of this field (None: as it is).

    Field.get_db_prep_save does the same per value, at several times the cost.
    """
    # Days and times repeat across millions of rows (a year has 365 days): convert each once.
    if isinstance(field, models.DateTimeField):
        return lru_cache(maxsize=65536)(
            lambda v: v.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
        )
    if isinstance(field, models.DateField):
        return lru_cache(maxsize=4096)(date.isoformat)
    if isinstance(field, models.JSONField):
        return json.dumps
    if isinstance(field, models.BooleanField):
        return int
    return None


def _weeks(start: date, end: date):
    monday = start - timedelta(days=start.weekday())
    while monday <= end:
        yield monday
        monday += timedelta(days=7)


def _months(start: date, end: date):
    first = start.replace(day=1)
    while first <= end:
        yield first
        first = (first + timedelta(days=32)).replace(day=1)


def _contacts(rng: random.Random, pairings, year_ago: date, yesterday: date, now: datetime):
    """A weekly inquiry and about two home visits a month per pairing, a few missed."""
    for pairing_id, household_id, cadre_id, start in pairings:
        first = max(start, year_ago)
        careless = rng.random() < 0.08
        miss_week, miss_visit = (0.25, 0.35) if careless else (0.03, 0.08)
        for monday in _weeks(first, yesterday):
            if rng.random() < miss_week:
                continue
            day = monday + timedelta(days=rng.randrange(7))
            if first <= day <= yesterday:
                channel = Channel.IN_PERSON if rng.random() < 1 / 3 else Channel.PHONE
                yield (
                    household_id,
                    cadre_id,
                    pairing_id,
                    day,
                    ContactKind.INQUIRY.value,
                    channel.value,
                    LEARNED[rng.randrange(6)],
                    PROBLEMS[rng.randrange(6)],
                    HELP[rng.randrange(5)],
                    "",
                    now,
                )
        for month in _months(first, yesterday):
            for half in range(1 if rng.random() < miss_visit else 2):
                day = month + timedelta(days=rng.randrange(14) + 14 * half)
                if first <= day <= yesterday and day.month == month.month:
                    yield (
                        household_id,
                        cadre_id,
                        pairing_id,
                        day,
                        ContactKind.VISIT.value,
                        Channel.HOME.value,
                        LEARNED[rng.randrange(6)],
                        PROBLEMS[rng.randrange(6)],
                        HELP[rng.randrange(5)],
                        "",
                        now,
                    )


def _logs(rng: random.Random, stationed, off, year_ago: date, yesterday: date):
    """One work log per stationed cadre and working day, a few missing or late."""
    seen: set[tuple[int, date]] = set()
    for cadre_id, start, end in stationed:
        day = max(start, year_ago)
        last = min(end or yesterday, yesterday)
        sloppy = rng.random() < 0.1
        while day <= last:
            if day not in off and (cadre_id, day) not in seen:
                seen.add((cadre_id, day))
                roll = rng.random()
                if roll >= (0.04 if sloppy else 0.01):
                    late = roll < (0.12 if sloppy else 0.04)
                    saved = datetime.combine(
                        day + timedelta(days=rng.randint(2, 4)) if late else day,
                        time(9 if late else rng.randint(18, 22)),
                        SHANGHAI,
                    )
                    tasks = sorted(rng.sample(range(1, 13), rng.randint(1, 3)))
                    yield (
                        cadre_id,
                        day,
                        tasks,
                        LOG_TEXT[rng.randrange(7)],
                        rng.random() < 0.08,
                        "",
                        saved,
                        saved,
                        1,
                    )
            day += timedelta(days=1)


def _cadre_accounts(now: datetime) -> int:
    """An account (no usable password yet) for every cadre without one, as in a city whose
    stationed and household cadres all sign in on their phones: the demo makes accounts
    for its logins only. The API's statements join the users' table, and are planned
    for the size it has (with a few dozen users, the token's sorted and merged them)."""
    cadres = Cadre.objects.filter(user__isnull=True).order_by("pk").values_list("pk", "name")
    rows = [
        ("!", False, f"cadre{pk}", "", "", "", False, True, now, name, now) for pk, name in cadres
    ]
    count = _fast_insert(
        User,
        [
            "password",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "full_name",
            "password_changed_at",
        ],
        rows,
    )
    q = connection.ops.quote_name
    users, cadres = q(User._meta.db_table), q(Cadre._meta.db_table)
    link, pk = q(Cadre._meta.get_field("user").column), q(Cadre._meta.pk.column)
    user_pk, username = q(User._meta.pk.column), q(User._meta.get_field("username").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {cadres} SET {link} = (SELECT u.{user_pk} FROM {users} u "
            f"WHERE u.{username} = %s || {cadres}.{pk}) WHERE {link} IS NULL",
            ["cadre"],
        )
    return count


def _api_ledger() -> int:
    """The exactly-once ledger's row (api/idempotency.py) of each of the year's check-ins
    and work logs, set-based: a city whose cadres send them from their phones, each with
    an Idempotency-Key, has one for each, and nothing purges them. Every API call's token
    statement joins the ledger: planned for an empty one (and never analysed again in a
    cluster without autovacuum, as the bench's), it read the whole ledger on each call,
    while the measured writes grew it."""
    r, k, w, c = IdempotencyRecord, CheckIn, WorkLog, Cadre
    col, table = fixed_sql.column, fixed_sql.table
    ledger = ", ".join(
        col(r, name) for name in ("user", "key", "request_hash", "status", "body", "created_at")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table(r)} ({ledger}) "
            f"SELECT c.{col(c, 'user')}, 'checkin-' || CAST(k.{col(k, 'id')} AS TEXT), %s, 201, "
            f"'{{\"id\": ' || CAST(k.{col(k, 'id')} AS TEXT) || '}}', k.{col(k, 'at')} "
            f"FROM {table(k)} k INNER JOIN {table(c)} c ON c.{col(c, 'id')} = k.{col(k, 'cadre')} "
            f"WHERE NOT k.{col(k, 'backfilled')} "
            "UNION ALL "
            f"SELECT c.{col(c, 'user')}, 'log-' || CAST(w.{col(w, 'id')} AS TEXT), %s, 201, "
            f"'{{\"content\": \"' || w.{col(w, 'content')} || '\"}}', w.{col(w, 'first_saved_at')} "
            f"FROM {table(w)} w INNER JOIN {table(c)} c ON c.{col(c, 'id')} = w.{col(w, 'cadre')}",
            ["0" * 64, "0" * 64],
        )
        return cursor.rowcount


def build_bench_city(*, scale: float, today: date, seed: int = 2018) -> dict[str, int]:
    """Build the benchmark city in an empty database; return row counts by table."""
    rng = random.Random(seed + 1)
    year_ago = today - timedelta(days=365)
    yesterday = today - timedelta(days=1)
    now = datetime.combine(today, time(8), SHANGHAI)
    with transaction.atomic():
        counts = dict(build_city(scale=scale, seed=seed, today=today, activity=False).counts)
        counts["cadre_accounts"] = _cadre_accounts(now)
        fields = [
            "household",
            "cadre",
            "pairing",
            "day",
            "kind",
            "channel",
            "learned",
            "problems",
            "help_given",
            "escalated",
            "recorded_at",
        ]
        if connection.vendor == "postgresql":
            _skip_foreign_key_checks()
        # Inputs are read before the COPY starts: the connection is busy until it ends.
        pairings = list(
            Pairing.objects.filter(end__isnull=True)
            .order_by("pk")
            .values_list("pk", "household_id", "cadre_id", "start")
        )
        counts["contacts"] = _fast_insert(
            Contact, fields, _contacts(rng, pairings, year_ago, yesterday, now)
        )
        counts["contact_tallies"] = rebuild_contact_tallies()
        stationed = list(
            Assignment.objects.exclude(role__in=NON_COUNTED_ROLES)
            .order_by("cadre_id", "start", "pk")
            .values_list("cadre_id", "start", "end")
        )
        off = non_working_days(year_ago, yesterday)
        if connection.vendor == "postgresql":
            log_rows = (
                (c, d, json.dumps(t), content, o, p, f, u, r)
                for c, d, t, content, o, p, f, u, r in _logs(
                    rng, stationed, off, year_ago, yesterday
                )
            )
        else:
            log_rows = _logs(rng, stationed, off, year_ago, yesterday)
        counts["work_logs"] = _fast_insert(
            WorkLog,
            [
                "cadre",
                "day",
                "tasks",
                "content",
                "off_site",
                "projects",
                "first_saved_at",
                "updated_at",
                "revisions",
            ],
            log_rows,
        )
        # Each log's first revision, set-based.
        rev, log = LogRevision._meta, WorkLog._meta
        q = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {q(rev.db_table)} ({q('log_id')}, {q('number')}, {q('tasks')}, "
                f"{q('content')}, {q('off_site')}, {q('household_ids')}, {q('projects')}, "
                f"{q('saved_at')}) "
                f"SELECT {q('id')}, 1, {q('tasks')}, {q('content')}, {q('off_site')}, '[]', '', "
                f"{q('first_saved_at')} FROM {q(log.db_table)}"
            )
        counts["log_revisions"] = counts["work_logs"]
        counts["api_ledger"] = _api_ledger()
    refresh_planner_statistics()
    return counts
