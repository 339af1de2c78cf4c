# Số liệu sơ kết 01 năm chính quyền cấp xã — gõ `make` để xem các lệnh.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
LOCK := requirements.lock
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | sha1sum | cut -c1-12)

.PHONY: help all install lock bundle templates demo validate ingest build serve test test-windows lint bench notebooks docs clean

help: ## Liệt kê các lệnh make
	@echo "Các lệnh (gõ: make <lệnh>):"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-11s %s\n", $$1, $$2}'

# The exact versions and hashes of requirements.lock, then the project itself (no dependency resolved
# at install time: the same libraries on every machine).
$(STAMP): pyproject.toml $(LOCK)
	@echo "Đang cài đặt lần đầu, có thể mất vài phút (chỉ lần này và khi cập nhật chương trình)…"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --require-hashes -r $(LOCK)
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP) ## Tạo môi trường .venv và cài chương trình (các lệnh khác tự làm việc này)

lock: $(STAMP) ## Cập nhật requirements.lock theo pyproject.toml (make lock UPGRADE=--upgrade: lên bản mới nhất)
	$(PY) -m pip install -q uv
	$(PY) -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['build-system']['requires'], sep='\n')" \
	  | $(VENV)/bin/uv pip compile pyproject.toml - --extra dev --universal --python-version 3.11 \
	    --generate-hashes $(UPGRADE) --custom-compile-command "make lock" -o $(LOCK)
	$(MAKE) install

bundle: $(STAMP) ## Đóng gói cài đặt không cần mạng cho Windows 64-bit vào outputs/bundle/ (py cai_dat.py)
	$(PY) -m pipeline bundle

all: $(STAMP) ## Chạy toàn bộ: biểu mẫu, kiểm tra, kho số liệu, chỉ số, biểu đồ, phụ lục, báo cáo
	$(PY) -m pipeline build

templates: $(STAMP) ## Tạo biểu mẫu trống của mọi đơn vị vào outputs/templates/
	$(PY) -m pipeline templates

demo: $(STAMP) ## Tạo bộ biểu mẫu có số liệu minh họa (SỐ LIỆU MINH HỌA) vào outputs/demo_inputs/
	$(PY) -m pipeline demo

ingest: $(STAMP) ## Kiểm tra mọi tệp trong inputs/ và nhận tệp hợp lệ vào kho số liệu
	$(PY) -m pipeline ingest

serve: $(STAMP) ## Mở trang nộp biểu mẫu tại http://127.0.0.1:8000
	$(PY) -m pipeline serve

test: $(STAMP) ## Chạy toàn bộ bộ kiểm thử (kể cả phần giả lập Windows, tests/test_windows.py)
	$(PY) -m pytest

test-windows: $(STAMP) ## Chạy bộ kiểm thử (trừ phần LibreOffice và trình duyệt) trên Windows giả lập
	PYTHONPATH=tests/windows_site:. PYTHONIOENCODING=cp1258 $(PY) -m pytest -m "not slow" -p no:cacheprovider

lint: $(STAMP) ## Soát cách viết mã bằng ruff
	$(PY) -m ruff check pipeline tests

bench: $(STAMP) ## Đo tốc độ và bộ nhớ (kiểm tra + nhận tệp, make all, gửi tệp, bộ số liệu cả nước)
	$(PY) tests/bench.py

notebooks: $(STAMP) ## Mở sổ phân tích số liệu trong JupyterLab
	$(PY) -m pip install -q -e '.[dev,notebooks]'
	$(VENV)/bin/jupytext --sync notebooks/*.py
	$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/

docs: $(STAMP) ## Hướng dẫn sử dụng: làm mới phần sinh từ danh mục, chụp ảnh, dựng trang web và PDF vào outputs/docs/
	$(PY) -m tests.docs_build

clean: ## Xóa outputs/ (make all tạo lại từ inputs/)
	find outputs -mindepth 1 ! -name .gitkeep -delete
