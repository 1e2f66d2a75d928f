# BiasLab — the two commands of the README, and the benchmark.
#   make demo   install what is missing, build release, run the main job
#   make test   install what is missing, run the whole test suite
#   make bench  benchmark against JAX (see bench/README.md)

SWIFT       ?= swift
APT_PACKAGES = libopenblas-dev liblapacke-dev zlib1g-dev libsqlite3-dev dataset-fashion-mnist
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps demo test build release bench clean

# Installs the Debian packages BiasLab needs when any is missing (through sudo when not root).
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

demo: release
	.build/release/biaslab demo

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: release
	bash bench/run.sh

clean:
	rm -rf .build
