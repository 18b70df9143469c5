"""Parse a file in a worker process with a memory and a time limit, so no file takes a server down.

The checks in :mod:`.safety` and :mod:`.prescan` refuse every hostile file we know of before a
reader builds anything big. This module is the second line for the files we do not know of: the
reading happens in a child process whose address space is capped (``RLIMIT_AS``) and which is
killed after :attr:`~.safety.Limits.max_seconds`. If the child dies, runs out of memory or is
killed, the caller gets a refusal that names the file and says it was too big or too complex;
the web worker or command line that asked carries on.

Children are forked from a ``forkserver`` that has already imported the intake code, so a call
costs a fork (milliseconds), not a fresh interpreter. Results travel back pickled through a pipe.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import resource
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

import polars as pl

from ..instruments import Instrument
from .errors import FileRefused, IntakeError
from .mapping import Mapping
from .pipeline import DryRunResult, Suggestion, _file_name, dry_run, record_schema, suggest_mapping
from .readers import too_complex
from .safety import Limits

_PRELOAD = ["proeftuin.core.intake"]
_context: Any = None


def _get_context() -> Any:
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(_PRELOAD)
    return _context


def _child(
    conn: Connection, func: Callable[..., Any], args: tuple, kwargs: dict, memory: int
) -> None:
    """Run ``func`` under the memory limit and send back ("ok", result) or ("error", text)."""
    try:
        if memory > 0:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        result = func(*args, **kwargs)
        conn.send(("ok", result))
    except MemoryError:
        conn.send(("memory", None))
    except FileRefused as refused:
        conn.send(("refused", refused.error))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which decides
        conn.send(("error", f"{type(exc).__name__}: {exc}"[:300]))
    finally:
        conn.close()


def run_isolated(
    func: Callable[..., Any], args: tuple, kwargs: dict[str, Any], *, file: str, limits: Limits
) -> Any:
    """``func(*args, **kwargs)`` in a limited child process.

    Raises :class:`FileRefused` (``too_complex``) when the child runs out of memory, crashes or
    takes longer than ``limits.max_seconds``; re-raises a refusal from the child; and raises
    ``RuntimeError`` for any other exception in the child (a bug, not the file's fault).
    """
    context = _get_context()
    receive, send = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(send, func, args, kwargs, limits.max_memory_bytes), daemon=True
    )
    process.start()
    send.close()
    try:
        if not receive.poll(limits.max_seconds):
            raise too_complex(file)
        try:
            status, payload = receive.recv()
        except (EOFError, OSError, MemoryError) as exc:  # the child died (killed, aborted)
            raise too_complex(file) from exc
    finally:
        receive.close()
        if process.is_alive():
            process.join(1)
        if process.is_alive():
            process.kill()
        process.join()
    if status == "ok":
        return payload
    if status == "refused":
        raise FileRefused(payload)
    if status == "memory":
        raise too_complex(file)
    raise RuntimeError(payload)


def isolation_available() -> bool:
    """Whether worker processes can be used here (Linux/macOS with ``fork``)."""
    return os.name == "posix"


def _internal(file: str, text: str) -> IntakeError:
    return IntakeError(
        code="internal_error", params={"error": text[:120]}, file=file, key="internal_error_file"
    )


def safe_suggest_mapping(
    source: object,
    instrument: Instrument,
    *,
    filename: str | None = None,
    limits: Limits | None = None,
    isolate: bool = True,
) -> Suggestion:
    """:func:`~.pipeline.suggest_mapping` in a limited worker; never raises on bad input."""
    limits = limits or Limits()
    file = _file_name(source, filename)
    kwargs = {"filename": file, "limits": limits}
    try:
        if isolate and isolation_available():
            return run_isolated(
                suggest_mapping, (source, instrument), kwargs, file=file, limits=limits
            )
        return suggest_mapping(source, instrument, **kwargs)
    except FileRefused as refused:
        error = refused.error
    except Exception as exc:  # noqa: BLE001 - bad input must never become a server error
        error = _internal(file, f"{type(exc).__name__}: {exc}")
    return Suggestion(Mapping(instrument.id, ()), [], [error])


def safe_dry_run(
    source: object,
    mapping: Mapping | dict[str, Any] | str,
    instrument: Instrument,
    *,
    secret: bytes,
    scope: str = "",
    filename: str | None = None,
    limits: Limits | None = None,
    today: dt.date | None = None,
    isolate: bool = True,
) -> DryRunResult:
    """:func:`~.pipeline.dry_run` in a limited worker; never raises on bad input."""
    limits = limits or Limits()
    file = _file_name(source, filename)
    kwargs = {
        "secret": secret,
        "scope": scope,
        "filename": file,
        "limits": limits,
        "today": today,
    }
    try:
        if isolate and isolation_available():
            args = (source, mapping, instrument)
            return run_isolated(dry_run, args, kwargs, file=file, limits=limits)
        return dry_run(source, mapping, instrument, **kwargs)
    except FileRefused as refused:
        error = refused.error
    except Exception as exc:  # noqa: BLE001 - bad input must never become a server error
        error = _internal(file, f"{type(exc).__name__}: {exc}")
    return DryRunResult(
        file=file,
        kind=None,
        records=pl.DataFrame(schema=record_schema(instrument)),
        errors=[error],
        error_count=1,
        counts={error.code: 1},
        rows_read=0,
        rows_rejected=0,
        instrument=instrument.id,
    )
