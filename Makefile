# zhucun — the two set-up commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
S      ?= 1

.PHONY: run test lint system-deps backup restore bench

$(BIN)/.installed: requirements.lock scripts/bootstrap
	@PYTHON=$(PYTHON) scripts/bootstrap $(VENV)
	@touch $@

run: $(BIN)/.installed
	@mkdir -p var
	@$(BIN)/python manage.py migrate --noinput -v0
	@$(BIN)/python manage.py load_demo --if-empty
	@$(BIN)/python manage.py demo_logins
	@echo "驻村联户 zhucun: http://127.0.0.1:$(PORT)/"
	@$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

system-deps:
	@scripts/system-deps

test: $(BIN)/.installed system-deps
	@scripts/test

lint: $(BIN)/.installed
	@$(BIN)/ruff check .

# Back up / restore the database (SQLite or PostgreSQL, whichever DATABASE_URL names).
backup: $(BIN)/.installed
	@scripts/backup $(FILE)

restore: $(BIN)/.installed
	@scripts/restore $(FILE)

# issue 8: build the benchmark city at scale S (1 = Xi'an) on a throwaway
# PostgreSQL cluster and on SQLite and measure it; the last line is one JSON
# object (docs/benchmarks.md). `make bench S=0.05` is the quick smoke run.
bench: $(BIN)/.installed system-deps
	@$(BIN)/python scripts/bench.py --scale $(S)
