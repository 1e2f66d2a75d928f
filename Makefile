# BiasLab — the two commands of the README, and the benchmark.
#   make demo   install what is missing, build release, run the main job
#   make test   install what is missing, run the whole test suite
#   make bench  benchmark against JAX (see bench/README.md)

SWIFT       ?= swift
APT_PACKAGES = libopenblas-dev liblapacke-dev zlib1g-dev libsqlite3-dev dataset-fashion-mnist fortunes
ARCH        := $(shell uname -m)
# On x86-64, make test also checks that the C platform layer compiles for aarch64 (glibc's aarch64
# headers); on aarch64 the build itself compiles it.
ifeq ($(ARCH),x86_64)
TEST_APT_PACKAGES = $(APT_PACKAGES) libc6-dev-arm64-cross
else
TEST_APT_PACKAGES = $(APT_PACKAGES)
endif
CLANG       ?= clang
# The second pass of make test: the way another machine runs BiasLab (generic BLAS kernels, three
# threads, the portable vector kernels).
OTHER_MACHINE = OPENBLAS_CORETYPE=Prescott BIASLAB_THREADS=3 BIASLAB_PORTABLE_KERNELS=1
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps test-deps install-packages demo test build release bench clean aarch64-check reproduce fuzz fuzz-smoke dist slurm-test

# Installs the Debian packages BiasLab needs when any is missing (through sudo when not root).
deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(APT_PACKAGES)"

test-deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(TEST_APT_PACKAGES)"

install-packages:
	@missing=""; for p in $(PACKAGES); do \
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

test: test-deps aarch64-check
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	@echo "make test: second pass as on another machine: $(OTHER_MACHINE)"
	$(OTHER_MACHINE) $(SWIFT) test --skip-build
	@$(MAKE) --no-print-directory slurm-test
	@$(MAKE) --no-print-directory fuzz-smoke

# sweep --slurm against a real one-node Slurm cluster on this machine (munged, slurmctld, slurmd started
# and stopped by the script, as root; Debian's slurm-wlm and munge installed when missing). See scripts/slurm-test.sh.
slurm-test:
	@$(MAKE) --no-print-directory install-packages PACKAGES="slurm-wlm munge"
	$(SWIFT) build --product biaslab
	$(SUDO) env BIASLAB="$$($(SWIFT) build --show-bin-path)/biaslab" scripts/slurm-test.sh

# The input readers under libFuzzer: 20 s per target in make test, 10 minutes per target (new inputs kept
# in Fuzz/corpus) with make fuzz. See scripts/fuzz.sh.
fuzz-smoke:
	SWIFT=$(SWIFT) scripts/fuzz.sh 20

fuzz: deps
	SWIFT=$(SWIFT) scripts/fuzz.sh 600 --grow

# The C platform layer (cpuid, kernel correction, vector kernels) compiles for aarch64 without warnings.
aarch64-check: test-deps
	@[ "$(ARCH)" = x86_64 ] || { echo "aarch64-check: not on x86-64, the build compiles Sources/CPlatform natively"; exit 0; }; \
	for f in Sources/CPlatform/*.c; do \
	  $(CLANG) --target=aarch64-linux-gnu --sysroot=/usr/aarch64-linux-gnu -fsyntax-only -Wall -Wextra -Werror \
	    -ISources/CPlatform/include -I/usr/include/x86_64-linux-gnu/openblas-pthread $$f || exit 1; \
	done; echo "aarch64-check: Sources/CPlatform compiles for aarch64-linux-gnu"

bench: release
	bash bench/run.sh

clean:
	rm -rf .build

# A biaslab for machines without Swift (a cluster's compute nodes): the Swift runtime and Foundation are
# linked in statically (--static-swift-stdlib, its own build directory), the symbols stripped. It still
# loads the system libraries listed in dist/LIBRARIES (each with its Debian package): OpenBLAS, LAPACKE,
# SQLite, zlib and the C/C++ runtime — install those on the nodes.
dist: deps
	$(SWIFT) build -c release --static-swift-stdlib --product biaslab --scratch-path .build-dist
	mkdir -p dist
	cp .build-dist/release/biaslab dist/biaslab
	strip dist/biaslab
	@for lib in $$(readelf -d dist/biaslab | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p'); do \
	  path=$$(ldd dist/biaslab | awk -v l="$$lib" '$$1 == l {print $$3}'); \
	  pkg=$$( [ -n "$$path" ] && { dpkg -S "$$path" 2>/dev/null || dpkg -S "$$(readlink -f $$path)" 2>/dev/null; } | cut -d: -f1 | head -1); \
	  echo "$$lib $${pkg:-?}"; \
	done > dist/LIBRARIES
	dist/biaslab --version
	@echo "dist/biaslab: the Swift runtime linked in; it needs:"; cat dist/LIBRARIES

# Every full reproduction study, each report in out/ (docs/REPRODUCTIONS.md lists the verdicts). The runs
# are kept in out/reproduce.sqlite: an interrupted `make reproduce` continues where it stopped, and a study
# whose setting changed in the code is measured anew.
reproduce: release
	@mkdir -p out
	@for s in $$(.build/release/biaslab reproduce --list --json | python3 -c 'import json,sys; print(" ".join(s["name"] for s in json.load(sys.stdin)["studies"]))'); do \
	  .build/release/biaslab reproduce $$s --store out/reproduce.sqlite -o out/reproduce-$$s.html || exit 1; \
	done
