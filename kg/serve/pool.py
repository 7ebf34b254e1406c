"""Pool: a fixed set of worker processes; a job past the time limit gets its worker killed and replaced.

Oxigraph cannot cancel a running query, so the only way to really stop one is to end the process
that runs it. The event loop never blocks: it waits on a worker's pipe in a thread, with the time
limit as the wait's timeout, and other requests go to the other workers meanwhile.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from .worker import Reply, main

__all__ = ["WorkerPool"]


class _Process:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, context: Any, directory: Path, graph_path: Path) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=main, args=(child, str(directory), str(graph_path)),
                                       name="mrkg-serve-worker", daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise RuntimeError(f"a query worker did not start within {timeout:.0f} s")
        status, detail = self.conn.recv()
        if status != "ready":
            self.kill()
            raise RuntimeError(f"a query worker could not open the graph: {detail}")

    def kill(self, grace: float = 0) -> None:
        if grace:
            self.process.join(grace)
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """``size`` worker processes over the read-only store at ``directory``; :meth:`run` sends one job."""

    def __init__(self, directory: Path, graph_path: Path, size: int, timeout: float) -> None:
        self.directory, self.graph_path = directory, graph_path
        self.size, self.timeout = size, timeout
        self._context = multiprocessing.get_context("spawn")  # no fork of a threaded event loop
        self._threads = ThreadPoolExecutor(max_workers=2 * size + 2, thread_name_prefix="mrkg-pipe")
        self._idle: asyncio.Queue[_Process] | None = None
        self._all: set[_Process] = set()
        self._pending: set[asyncio.Task] = set()
        self.killed = 0

    def _spawn(self) -> _Process:
        worker = _Process(self._context, self.directory, self.graph_path)
        worker.wait_ready(60)
        return worker

    async def start(self) -> None:
        """Start every worker and wait until each has opened the store."""
        loop = asyncio.get_running_loop()
        self._idle = asyncio.Queue()
        workers = await asyncio.gather(*(loop.run_in_executor(self._threads, self._spawn) for _ in range(self.size)))
        for worker in workers:
            self._all.add(worker)
            self._idle.put_nowait(worker)

    async def _replace(self, dead: _Process) -> None:
        loop = asyncio.get_running_loop()
        self._all.discard(dead)
        await loop.run_in_executor(self._threads, dead.kill)
        worker = await loop.run_in_executor(self._threads, self._spawn)
        self._all.add(worker)
        assert self._idle is not None, "the pool is started before a worker is replaced"
        self._idle.put_nowait(worker)

    def _replace_later(self, dead: _Process) -> None:
        task = asyncio.get_running_loop().create_task(self._replace(dead))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def run(self, job: str, *args: Any, timeout: float | None = None) -> Any:
        """Send ``job`` to an idle worker and return its answer, or a 503 reply when the time limit passes."""
        if self._idle is None:
            raise RuntimeError("the worker pool is not started")
        limit = self.timeout if timeout is None else timeout
        try:
            worker = await asyncio.wait_for(self._idle.get(), limit)
        except TimeoutError:
            return Reply.error(503, f"every query worker stayed busy for {limit:g} s; try again later")
        loop = asyncio.get_running_loop()
        try:
            worker.conn.send((job, args))
            ready = await loop.run_in_executor(self._threads, worker.conn.poll, limit)
            if not ready:
                self.killed += 1
                self._replace_later(worker)
                return Reply.error(503, f"the query was stopped after {limit:g} s, the time limit of this server; "
                                        "narrow it, add LIMIT, or run it locally with mrkg query")
            answer = await loop.run_in_executor(self._threads, worker.conn.recv)
        except (EOFError, OSError, BrokenPipeError):
            self._replace_later(worker)
            return Reply.error(500, "the query worker stopped unexpectedly (out of memory?); it has been replaced")
        except BaseException:  # the request was cancelled (client gone): the worker may be busy, so replace it
            self._replace_later(worker)
            raise
        self._idle.put_nowait(worker)
        return answer

    async def stop(self) -> None:
        """Stop every worker."""
        for task in list(self._pending):
            task.cancel()
        loop = asyncio.get_running_loop()
        for worker in list(self._all):
            try:
                worker.conn.send(None)
            except (OSError, ValueError):
                pass
        await asyncio.gather(*(loop.run_in_executor(self._threads, w.kill, 2) for w in self._all), return_exceptions=True)
        self._all.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)
