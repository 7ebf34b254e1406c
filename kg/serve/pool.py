"""Pool: a fixed set of worker processes shared fairly between clients; a job past the time limit gets its worker
killed and replaced.

Oxigraph cannot cancel a running query, so the only way to really stop one is to end the process
that runs it. The event loop never blocks: it waits on a worker's pipe in a thread, with the time
limit as the wait's timeout, and other requests go to the other workers meanwhile. A spare worker is
kept started, so a stopped one is replaced at once rather than after a process start.

Admission. Clients are told apart by :data:`CLIENT`, which the HTTP layer sets to each request's peer address:

- a request waits for a worker in a bounded queue. A free worker goes to the waiting request whose client has the
  best *standing* (then to the one that came first). A client's standing is, in this order: the fewest slow jobs
  (below) running plus queries stopped lately (by the time limit, the memory limit or the rule below; that count
  halves every minute), the fewest workers held, served longest ago. So clients whose queries run away wait behind
  those whose queries end, and a client sending many requests does not crowd out one sending a few;
- a job still running after ``slow_after`` seconds is *slow*, and runs on only while no request of a client in
  clearly better standing (one slow or stopped query fewer at least) waits. When one does (as it starts waiting, or
  as a job becomes slow), the slow job of the client in the worst standing is stopped, and its worker replaced by
  the spare. So runaway queries give way to the others, and a client's own slow queries run on as long as nobody
  else needs the workers (they may still pass the time limit);
- a client with ``max_waiting`` requests already waiting, or a queue holding four times that, gets a 503 with
  ``Retry-After`` at once, as does a request that waited twice the time limit.
"""

from __future__ import annotations

import asyncio
import math
import multiprocessing
import signal
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .worker import Reply, main, memory_reply

__all__ = ["WorkerPool", "CLIENT"]

#: The client a request comes from (its peer address), for fair admission; set per request by the HTTP layer.
CLIENT: ContextVar[str] = ContextVar("mrkg_serve_client", default="")


class _Process:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, context: Any, directory: Path, graph_path: Path, memory_mb: int) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=main, args=(child, str(directory), str(graph_path), memory_mb),
                                       name="mrkg-serve-worker", daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise RuntimeError(f"a query worker did not start within {timeout:.0f} s")
        try:
            status, detail = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise RuntimeError(f"a query worker stopped while it opened the graph (exit code {self.process.exitcode});"
                               " if --worker-memory is small, raise it") from None
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


@dataclass(eq=False)
class _Waiter:
    """A request waiting for a worker: its client, and the future the worker is handed over in."""

    client: str
    future: asyncio.Future


@dataclass(eq=False)
class _Job:
    """A job on a worker: its client, when it started, and the reply when the pool stopped it."""

    client: str
    worker: _Process
    started: float = field(default_factory=time.monotonic)
    stopped: Reply | None = None


class _Clients:
    """What the pool knows of each client: workers held, when it was last handed a worker, and how many of its
    queries were stopped lately (a count that halves every ``HALF_LIFE`` seconds)."""

    HALF_LIFE = 60.0
    KEEP = 4096  # clients remembered at most; the idle ones are forgotten first

    def __init__(self) -> None:
        self.held: Counter[str] = Counter()
        self._served: dict[str, int] = {}
        self._stopped: dict[str, tuple[float, float]] = {}  # client -> (count, when counted)
        self._handouts = 0

    def standing(self, slow: Counter[str]) -> Callable[[str], tuple[float, int, int]]:
        """A client's standing now, lowest first: the fewest ``slow`` jobs running and queries stopped lately, then
        the fewest workers held, then served longest ago."""
        now = time.monotonic()
        return lambda client: (slow[client] + self.stopped_lately(client, now), self.held[client],
                               self._served.get(client, 0))

    def stopped_lately(self, client: str, now: float) -> float:
        count, when = self._stopped.get(client, (0.0, 0.0))
        return count * 0.5 ** ((now - when) / self.HALF_LIFE)

    def hand(self, client: str) -> None:
        self.held[client] += 1
        self._handouts += 1
        self._served[client] = self._handouts
        if len(self._served) > self.KEEP:
            self._served = {c: n for c, n in self._served.items() if c in self.held}

    def done(self, client: str) -> None:
        self.held[client] -= 1
        if self.held[client] <= 0:
            del self.held[client]

    def stopped(self, client: str) -> None:
        """One more query of ``client`` was stopped."""
        now = time.monotonic()
        self._stopped[client] = (self.stopped_lately(client, now) + 1, now)
        if len(self._stopped) > self.KEEP:
            self._stopped = {c: v for c, v in self._stopped.items() if self.stopped_lately(c, now) > 0.1}


class WorkerPool:
    """``size`` worker processes over the read-only store at ``directory``; :meth:`run` sends one job.

    ``memory_mb`` caps each worker's memory (0: no cap); ``slow_after`` (seconds, default half the time limit) and
    ``max_waiting`` (requests one client may have waiting; default 16 per worker) set the admission described in
    the module's docstring.
    """

    def __init__(self, directory: Path, graph_path: Path, size: int, timeout: float, *, memory_mb: int = 0,
                 slow_after: float | None = None, max_waiting: int | None = None) -> None:
        self.directory, self.graph_path = directory, graph_path
        self.size, self.timeout, self.memory_mb = size, timeout, memory_mb
        self.slow_after = timeout / 2 if slow_after is None else slow_after
        self.max_waiting = max_waiting or 16 * size
        self._context = multiprocessing.get_context("spawn")  # no fork of a threaded event loop
        self._threads = ThreadPoolExecutor(max_workers=2 * size + 4, thread_name_prefix="mrkg-pipe")
        self._started = False
        self._idle: list[_Process] = []
        self._waiting: list[_Waiter] = []
        self._clients = _Clients()
        self._slow_jobs: list[_Job] = []  # in the order they became slow
        self._all: set[_Process] = set()
        self._pending: set[asyncio.Task] = set()
        self._spare: asyncio.Future[_Process] | None = None
        self.killed = 0

    def _spawn(self) -> _Process:
        worker = _Process(self._context, self.directory, self.graph_path, self.memory_mb)
        worker.wait_ready(60)
        return worker

    async def start(self) -> None:
        """Start every worker and wait until each has opened the store."""
        loop = asyncio.get_running_loop()
        workers = await asyncio.gather(*(loop.run_in_executor(self._threads, self._spawn) for _ in range(self.size)))
        self._all.update(workers)
        self._idle.extend(workers)
        self._started = True
        self._spare = loop.run_in_executor(self._threads, self._spawn)

    # --- handing workers out ----------------------------------------------------------------
    def _busy(self, message: str) -> Reply:
        """A 503 that asks the client to come back after the time limit, the longest a worker stays taken."""
        reply = Reply.error(503, message)
        reply.headers["Retry-After"] = str(math.ceil(self.timeout))
        return reply

    def _slow_now(self) -> list[_Job]:
        """The slow jobs running, not being stopped."""
        return [j for j in self._slow_jobs if j.stopped is None]

    def _standing(self) -> Callable[[str], tuple[float, int, int]]:
        return self._clients.standing(Counter(j.client for j in self._slow_now()))

    def _release(self, worker: _Process) -> None:
        """Give ``worker`` to the first waiting request of the client with the best standing (:meth:`_Clients.standing`),
        or keep it idle."""
        standing = self._standing()
        while self._waiting:
            best = min(self._waiting, key=lambda w: standing(w.client))  # of equals, the first
            self._waiting.remove(best)
            if not best.future.done():
                self._clients.hand(best.client)
                best.future.set_result(worker)
                return
        self._idle.append(worker)

    def _abandon(self, waiter: _Waiter) -> None:
        """``waiter`` stops waiting; a worker handed to it meanwhile goes to the next one."""
        if waiter in self._waiting:
            self._waiting.remove(waiter)
            waiter.future.cancel()
        elif waiter.future.done() and not waiter.future.cancelled():
            self._clients.done(waiter.client)
            self._release(waiter.future.result())

    async def _acquire(self, client: str, limit: float) -> _Process | Reply:
        """An idle worker for ``client`` (counted as held), or the 503 saying why there is none."""
        if self._idle:  # nobody waits while a worker is idle
            self._clients.hand(client)
            return self._idle.pop()
        mine = sum(1 for w in self._waiting if w.client == client)
        if mine >= self.max_waiting:
            return self._busy(f"{mine} requests of this client already wait for a query worker, the most this server "
                              "queues for one client; send fewer at once, or retry later")
        if len(self._waiting) >= 4 * self.max_waiting:
            return self._busy(f"{len(self._waiting)} requests already wait for a query worker, the most this server "
                              "queues; retry later")
        waiter = _Waiter(client, asyncio.get_running_loop().create_future())
        self._waiting.append(waiter)
        self._make_way(client)
        wait = 2 * limit  # time for a running job to end or be stopped, and for its worker to be replaced
        try:
            await asyncio.wait([waiter.future], timeout=wait)
        except asyncio.CancelledError:  # the client went away
            self._abandon(waiter)
            raise
        if waiter.future.done():
            return waiter.future.result()
        self._abandon(waiter)
        return self._busy(f"every query worker stayed busy for {wait:g} s; retry later")

    # --- running a job -------------------------------------------------------------------------
    async def run(self, job: str, *args: Any, timeout: float | None = None) -> Any:
        """Send ``job`` to a worker and return its answer, or a 503 reply (busy, stopped, past the time limit)."""
        if not self._started:
            raise RuntimeError("the worker pool is not started")
        limit = self.timeout if timeout is None else timeout
        client = CLIENT.get()
        worker = await self._acquire(client, limit)
        if isinstance(worker, Reply):
            return worker
        try:
            answer, stopped = await self._work(_Job(client, worker), job, args, limit)
        finally:
            self._clients.done(client)
        if stopped:
            self._clients.stopped(client)
            self._replace_later(worker)
        else:
            self._release(worker)
        return answer

    async def _poll(self, worker: _Process, seconds: float) -> bool:
        return await asyncio.get_running_loop().run_in_executor(self._threads, worker.conn.poll, seconds)

    async def _work(self, job: _Job, name: str, args: tuple, limit: float) -> tuple[Any, bool]:
        """Run one job: its answer, and whether it was stopped (its worker is then to be replaced) by the pool, by the
        time limit ``limit`` or by the end of its worker."""
        worker = job.worker
        try:
            worker.conn.send((name, args))
            ready = await self._poll(worker, min(self.slow_after, limit))
            if not ready and limit > self.slow_after:
                self._become_slow(job)
                if job.stopped is None:
                    ready = await self._poll(worker, limit - self.slow_after)
            if job.stopped is not None:
                return job.stopped, True
            if not ready:
                self.killed += 1
                return Reply.error(503, f"the query was stopped after {limit:g} s, the time limit of this server; "
                                        "narrow it, add LIMIT, or run it locally with mrkg query"), True
            answer = await asyncio.get_running_loop().run_in_executor(self._threads, worker.conn.recv)
            return answer, job.stopped is not None  # stopped just after it answered: the answer stands
        except (EOFError, OSError):
            return job.stopped or await self._died(worker), True
        except BaseException:  # the request was cancelled (client gone): the worker may be busy, so replace it
            self._replace_later(worker)
            raise
        finally:
            if job in self._slow_jobs:
                self._slow_jobs.remove(job)

    def _become_slow(self, job: _Job) -> None:
        """``job`` has run ``slow_after`` seconds: from now on it gives way to the best waiting request."""
        self._slow_jobs.append(job)
        if self._waiting:
            standing = self._standing()
            self._make_way(min((w.client for w in self._waiting), key=standing))

    def _make_way(self, client: str) -> None:
        """A request of ``client`` waits: stop the slow job of the client in the worst standing, if that client runs
        or had stopped at least one more slow or stopped query than ``client`` (a clear difference, so that two
        clients with one long query each do not stop each other's in turn)."""
        standing = self._standing()
        others = [j for j in self._slow_now() if j.client != client]
        if not others:
            return
        victim = max(others, key=lambda j: standing(j.client))
        if standing(victim.client)[0] >= standing(client)[0] + 1:
            self._stop(victim, f"the query was stopped after {time.monotonic() - victim.started:.0f} s so that other "
                               f"clients' queries could run: on this server a query running longer than "
                               f"{self.slow_after:g} s gives way to other clients that wait; retry later, or run it "
                               "locally with mrkg query")

    def _stop(self, job: _Job, message: str) -> None:
        """Stop ``job`` now: end its worker process, so that its wait ends and it answers ``message``."""
        job.stopped = self._busy(message)
        if job.worker.process.is_alive():
            job.worker.process.kill()

    async def _died(self, worker: _Process) -> Reply:
        """The reply for a job whose worker ended while running it: out of memory, or an unexpected end."""
        await asyncio.get_running_loop().run_in_executor(self._threads, worker.process.join, 5)
        if worker.process.exitcode == -signal.SIGABRT and self.memory_mb:  # the engine aborts when it cannot allocate
            return memory_reply(self.memory_mb)
        return Reply.error(500, "the query worker stopped unexpectedly (out of memory?); it has been replaced")

    # --- replacing workers ---------------------------------------------------------------------
    async def _replace(self, dead: _Process) -> None:
        """Put the spare worker in the place of ``dead``, and start the next spare."""
        loop = asyncio.get_running_loop()
        self._all.discard(dead)
        await loop.run_in_executor(self._threads, dead.kill)
        spare = self._spare or loop.run_in_executor(self._threads, self._spawn)
        self._spare = loop.run_in_executor(self._threads, self._spawn)
        worker = await spare
        self._all.add(worker)
        self._release(worker)

    def _replace_later(self, dead: _Process) -> None:
        task = asyncio.get_running_loop().create_task(self._replace(dead))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def stop(self) -> None:
        """Stop every worker."""
        for task in list(self._pending):
            task.cancel()
        for waiter in self._waiting:
            waiter.future.cancel()
        loop = asyncio.get_running_loop()
        if self._spare is not None:
            spare = await asyncio.gather(self._spare, return_exceptions=True)
            self._all.update(w for w in spare if isinstance(w, _Process))
        for worker in list(self._all):
            try:
                worker.conn.send(None)
            except (OSError, ValueError):
                pass
        await asyncio.gather(*(loop.run_in_executor(self._threads, w.kill, 2) for w in self._all), return_exceptions=True)
        self._all.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)
