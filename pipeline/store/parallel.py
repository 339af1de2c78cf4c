"""Checking on every core: the ingest's batches validated in worker processes, results in order.

The main process stays the one writer: it stores each batch in the warehouse, in the order of the
batches, exactly as the one-process ingest does (so both give the same warehouse, row for row);
the workers only read files, check them and write their feedback. Workers are spawned, never
forked (the same on Linux and Windows): the work and its arguments are picklable module-level
objects. At most workers + 1 batches are ahead of the writer, so memory stays that of a few
batches whatever the number of files.

A worker that dies (a crash in a library, the system killing it) or overruns its batch's time
loses no file: the batch is done again alone in a fresh worker, then, if it fails again, file by
file; a file that fails alone gets `failed(item)` (the ingest rejects it with the system error).
`PIPELINE_INGEST_WORKERS=1` forces one process; any number forces that many workers.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

from pipeline.core import logs
from pipeline.intake import gate

WORKERS_ENV = "PIPELINE_INGEST_WORKERS"
PARALLEL_FILES = 1000  # fewer new files than this: one process (starting workers costs ~2 s of imports)
START_SECONDS = 120.0  # allowance for starting a worker (imports) on a loaded machine
FILE_BUDGET = 2 * gate.FILE_SECONDS + 10  # a file's time: reading, then its checks (gate.FILE_SECONDS each)
CRASH_ENV, HANG_ENV = "PIPELINE_INGEST_CRASH_ON", "PIPELINE_INGEST_HANG_ON"  # test hooks (file names)
LOG = logging.getLogger("pipeline.store.parallel")
Item, Result = TypeVar("Item"), TypeVar("Result")
_IN_WORKER = False


def workers(new_files: int) -> int:
    """How many processes check this run's files: PIPELINE_INGEST_WORKERS if set (1 = this process
    alone), else every core once there are enough files to pay for starting them."""
    wanted = os.environ.get(WORKERS_ENV, "").strip()
    if wanted:
        return max(1, int(wanted)) if wanted.isdigit() else 1
    return (os.cpu_count() or 1) if new_files >= PARALLEL_FILES else 1


def in_worker() -> bool:
    return _IN_WORKER


def _start(outputs_dir: str) -> None:
    """A worker's start: its log records go to the same system log as the main process's."""
    global _IN_WORKER
    _IN_WORKER = True
    logs.configure(Path(outputs_dir))


def test_hooks(names: Iterable[str]) -> None:
    """In a worker only: PIPELINE_INGEST_CRASH_ON=<file name> ends the worker abruptly when it
    meets that file, PIPELINE_INGEST_HANG_ON=<file name> makes it hang (tests/test_ingest_parallel.py)."""
    if not _IN_WORKER:
        return
    names = set(names)
    if os.environ.get(CRASH_ENV) in names:
        os._exit(70)  # no cleanup: as a crash in a library would end it
    if os.environ.get(HANG_ENV) in names:
        import time

        time.sleep(24 * 3600)


class _Pool:
    """A ProcessPoolExecutor started when first needed, stopped at once when it failed."""

    def __init__(self, count: int, outputs_dir: Path) -> None:
        self.count, self.outputs_dir, self.pool = count, str(outputs_dir), None

    def submit(self, work: Callable, chunk: Sequence) -> Future:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(self.count, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_start, initargs=(self.outputs_dir,))
        return self.pool.submit(work, chunk)

    def stop(self) -> None:
        """End every worker now (a hung one too); Process.terminate works on every platform."""
        if self.pool is None:
            return
        pool, self.pool = self.pool, None
        processes = list((getattr(pool, "_processes", None) or {}).values())  # no public way before 3.14
        for process in processes:
            if process.is_alive():
                process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.join(timeout=30)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _budget(chunk: Sequence) -> float:
    return START_SECONDS + FILE_BUDGET * len(chunk)


def _succeeded(future: Future | None) -> bool:
    return future is not None and future.done() and not future.cancelled() and future.exception() is None


def ordered(work: Callable[[Sequence[Item]], list[Result]], chunks: Iterable[Sequence[Item]], count: int,
            outputs_dir: Path, failed: Callable[[Item], Result]) -> Iterator[list[Result]]:
    """work(chunk) for every chunk, in order, computed by `count` worker processes (see module doc)."""
    pool, alone = _Pool(count, outputs_dir), _Pool(1, outputs_dir)
    ahead: deque[list] = deque()  # [chunk, its future or None while not submitted]
    source = iter(chunks)
    try:
        while True:
            while len(ahead) < count + 1 and (chunk := next(source, None)) is not None:
                ahead.append([chunk, None])
            if not ahead:
                return
            for entry in ahead:
                if entry[1] is None:
                    entry[1] = pool.submit(work, entry[0])
            chunk, future = ahead.popleft()
            try:
                result = future.result(timeout=_budget(chunk))
            except Exception as exc:  # noqa: BLE001 - a dead or hung worker: that batch is done again, alone
                LOG.exception("Một tiến trình kiểm tra lô %d tệp bị dừng hoặc quá thời gian; kiểm tra lại riêng",
                              len(chunk))
                pool.stop()
                for entry in ahead:  # the pool is gone: what it had not finished is submitted again
                    if not _succeeded(entry[1]):
                        entry[1] = None
                # a batch that overran its time did so itself; a dead pool fails every batch it held
                hung = isinstance(exc, TimeoutError)
                result = _alone(work, chunk, alone, failed, whole=not hung, retry=not hung or len(chunk) > 1)
            yield result
    finally:
        if any(entry[1] is not None and not entry[1].done() for entry in ahead):
            pool.stop()  # the writer stopped early (an error while storing): no batch is waited for
        else:
            pool.close()
        alone.close()


def _once(work: Callable, chunk: Sequence, alone: _Pool) -> list | None:
    try:
        return alone.submit(work, chunk).result(timeout=_budget(chunk))
    except Exception:  # noqa: BLE001 - logged; the caller narrows down to the file at fault
        LOG.exception("Kiểm tra riêng %d tệp vẫn bị dừng hoặc quá thời gian", len(chunk))
        alone.stop()
        return None


def _alone(work: Callable, chunk: Sequence, alone: _Pool, failed: Callable, whole: bool, retry: bool) -> list:
    """A failed batch again in a worker of its own (whole), then each of its files alone (retry),
    then failed(file) for a file that fails alone."""
    if whole and len(chunk) > 1 and (got := _once(work, chunk, alone)) is not None:
        return got
    out = []
    for item in chunk:
        got = _once(work, [item], alone) if retry else None
        out += got if got is not None else [failed(item)]
    return out
