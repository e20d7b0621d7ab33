# servicemesh.federation: set-up, tests and the demo. `make demo` and `make test` work on a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BUILD := .build
# Development tree: the repo itself, seen as ansible_collections/servicemesh/federation.
DEV_COLLECTIONS := $(BUILD)/collections
# ansible-test wants a real copy of the collection, with its dependencies beside it.
SANITY_ROOT := $(BUILD)/sanity/ansible_collections
SANITY_TREE := $(SANITY_ROOT)/servicemesh/federation
LAB_DIR ?= $(CURDIR)/.lab
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/$(DEV_COLLECTIONS)
export ANSIBLE_NOCOLOR := 1
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: help venv collection lab-build lab-up lab-down demo test unit sanity lint integration molecule bench clean

help:  ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

venv: $(BIN)/.installed  ## create the virtual environment with pinned requirements

collection: venv  ## make the repo importable as ansible_collections.servicemesh.federation
	@mkdir -p $(DEV_COLLECTIONS)/ansible_collections/servicemesh
	@ln -sfn $(CURDIR) $(DEV_COLLECTIONS)/ansible_collections/servicemesh/federation

lab-build: venv  ## build (once, cached) kube-apiserver and etcd for the lab
	cd tests/lab && ../../$(BIN)/python -m labctl.build

lab-up: lab-build  ## start a three-mesh lab in .lab/
	cd tests/lab && ../../$(BIN)/python -m labctl --state-dir $(LAB_DIR) up \
	  --mesh red-mesh:aws --mesh green-mesh:baremetal --mesh blue-mesh:gcp

lab-down: venv  ## stop the lab and remove its state
	cd tests/lab && ../../$(BIN)/python -m labctl --state-dir $(LAB_DIR) down

# The demo federates the model of the three-mesh molecule scenario (aliases, wildcards, label selectors).
demo: collection lab-up  ## federate a three-mesh lab and print a summary
	$(BIN)/ansible-playbook -i $(LAB_DIR)/inventory.yml -i molecule/three_meshes/inventory/ playbooks/federate.yml
	$(BIN)/python tests/tooling/summary.py $(LAB_DIR)

test: unit sanity lint integration molecule  ## everything CI runs

unit: collection  ## pytest unit tests (no server)
	$(BIN)/pytest -q tests/unit

sanity: venv  ## ansible-test sanity on a copy of the collection
	bash tests/tooling/sanity.sh

lint: collection  ## ansible-lint, production profile
	$(BIN)/ansible-lint

integration: collection lab-build  ## pytest integration tests against the lab
	$(BIN)/pytest -q tests/integration

molecule: collection lab-build  ## molecule scenarios against the lab
	$(BIN)/molecule test --all

# The benchmark: federate.yml against the kubectl floor for BENCH_MESHES meshes (bench/results/, docs/performance.md).
BENCH_MESHES ?= 2,3,5,8,10
$(BIN)/.bench-installed: bench/requirements.txt $(BIN)/.installed
	$(BIN)/pip install --quiet -r bench/requirements.txt
	touch $@

bench: collection lab-build $(BIN)/.bench-installed  ## benchmark 2 to 10 meshes against the kubectl floor (builds kubectl once)
	cd tests/lab && ../../$(BIN)/python -m labctl.build kubectl
	$(BIN)/python bench/bench.py --meshes $(BENCH_MESHES) --update-docs $(BENCH_ARGS)

clean:  ## remove build trees (keeps the venv and the binary cache)
	rm -rf $(BUILD) tests/output
