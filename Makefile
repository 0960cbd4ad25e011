# One command each: `make run` (set up, seed, train if stale, start) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: help setup train seed run chat test test-unit eval lint bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(INSTALLED): requirements.txt constraints.txt scripts/setup.sh scripts/find_python310.sh
	VENV=$(VENV) scripts/setup.sh
	@touch $@

setup: $(INSTALLED) ## build .venv from Python 3.10 and install the pinned dependencies

train: setup ## train the Rasa model if config, domain or data changed
	$(PY) -m bot train

seed: setup ## create and seed the demo database if it is absent (--reset: make seed ARGS=--reset)
	$(PY) -m bot seed $(ARGS)

run: setup ## set up, seed, train if stale, then start the action and Rasa servers
	$(PY) -m bot seed
	$(PY) -m bot train
	BOT_ENV=demo $(PY) -m bot run

chat: setup ## talk to the running assistant in this terminal
	$(PY) -m bot chat

test: lint ## lint (ruff, mypy), train once, then every test: unit, data validation, NLU held-out eval, stories, end-to-end
	$(PY) -m bot train
	$(PY) -m pytest $(PYTEST_ARGS)

test-unit: setup ## only the fast unit tests (no model needed)
	$(PY) -m pytest tests/unit $(PYTEST_ARGS)

eval: train ## NLU evaluation on the held-out split -> reports/nlu_evaluation.md
	$(PY) -m pytest tests/rasa/test_nlu_heldout.py

bench: setup ## REST latency (p50/p95) and server memory -> results/bench.json
	BOT_ENV=demo $(PY) -m bot bench

lint: setup ## ruff over bot, actions and tests; mypy over bot and actions ([tool.mypy] in pyproject.toml)
	$(PY) -m ruff check bot actions tests
	$(PY) -m mypy

clean: ## remove the model, results and the demo databases (not .venv)
	rm -rf models results var .rasa
