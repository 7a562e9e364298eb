"""Rendering in a child process with a time limit and a memory limit (framework-free).

`render_isolated(doc, fmt, limits=RenderLimits(...))` renders a `blocks.Document` to PDF, DOCX or XLSX bytes in a
child process and returns `Rendered(content, seconds, peak_rss)`, or raises `RenderFailed` (`reason` = "timeout",
"memory" or "error", and a Czech `message`):

- the child sets `RLIMIT_AS` (address space) to `limits.memory_bytes` before it starts, so an allocation beyond
  it fails in the child (MemoryError, or the child dies) instead of growing a web worker; it also sets
  `RLIMIT_CPU` just above the time limit, so a child whose parent was killed ends by itself;
- the parent waits at most `limits.seconds` for the result, then kills the child;
- `peak_rss` is the child's own peak resident memory (`ru_maxrss`), measured in the child when it finishes.

Children are forked from a *forkserver*: a small single-threaded process started on first use, which has the
renderers (Typst, WeasyPrint, python-docx, openpyxl) imported already. A child therefore starts in milliseconds, does
not inherit the threads, locks or database connections of the web worker, and its memory limit counts only
what the rendering itself uses on top of the renderers.
"""

from __future__ import annotations

import multiprocessing
import resource
import time
from dataclasses import dataclass

PRELOAD = ["socplan.core.render.isolation", "socplan.core.render.pdf", "socplan.core.render.word",
           "socplan.core.render.spreadsheet", "socplan.core.render.typst_pdf", "weasyprint", "typst",
           "docx", "docxtpl", "openpyxl"]
FORMATS = ("pdf", "docx", "xlsx")


@dataclass(frozen=True)
class RenderLimits:
    seconds: float = 120.0
    memory_bytes: int = 2 * 1024**3


@dataclass(frozen=True)
class Rendered:
    content: bytes
    seconds: float
    peak_rss: int  # bytes


class RenderFailed(Exception):
    def __init__(self, reason: str, message: str, *, seconds: float = 0.0):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.seconds = seconds


@dataclass(frozen=True)
class PrintHtml:
    """Print HTML to lay out as PDF by WeasyPrint (`pdf.pdf_from_html`): documents that are not a `Document`
    (the catalogue's service card and brochure)."""

    html: str
    stylesheets: tuple[str, ...] = ()
    print_css: bool = True
    base_url: str | None = None


def document_bytes(doc, fmt: str) -> bytes:
    """Render `doc` (a `blocks.Document`) in this process: "pdf", "docx" or "xlsx"; a `PrintHtml` to "pdf"."""
    if isinstance(doc, PrintHtml):
        from .pdf import pdf_from_html

        return pdf_from_html(doc.html, doc.base_url, stylesheets=list(doc.stylesheets), print_css=doc.print_css)
    if fmt == "pdf":
        from .pdf import document_pdf

        return document_pdf(doc)
    if fmt == "docx":
        from .word import document_docx

        return document_docx(doc)
    if fmt == "xlsx":
        from .spreadsheet import xlsx_workbook

        return xlsx_workbook(doc.tables(), title=doc.title)
    raise ValueError(f"neznámý formát {fmt!r}")


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


def _limit(kind: int, soft: int, hard: int) -> None:
    """Lower a resource limit (never above the hard limit the process already has)."""
    _current, ceiling = resource.getrlimit(kind)
    if ceiling != resource.RLIM_INFINITY:
        soft, hard = min(soft, ceiling), min(hard, ceiling)
    resource.setrlimit(kind, (soft, hard))


def _child(conn, doc, fmt: str, memory_bytes: int, cpu_seconds: int) -> None:
    _limit(resource.RLIMIT_AS, memory_bytes, memory_bytes)
    _limit(resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 5)
    try:
        content = document_bytes(doc, fmt)
    except MemoryError:
        content = None
    conn.send(("ok" if content is not None else "memory", _peak_rss()))
    if content is not None:
        conn.send_bytes(content)
    conn.close()


def _context():
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload(PRELOAD)
    return ctx


def render_isolated(doc, fmt: str, *, limits: RenderLimits) -> Rendered:
    """Render `doc` to `fmt` in a child process within `limits` (see the module docstring)."""
    if fmt not in FORMATS:
        raise ValueError(f"neznámý formát {fmt!r}")
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    cpu = int(limits.seconds) + 2
    child = ctx.Process(target=_child, args=(sender, doc, fmt, int(limits.memory_bytes), cpu),
                        name="socplan-render", daemon=True)
    started = time.perf_counter()
    child.start()
    sender.close()

    def left() -> float:
        return max(limits.seconds - (time.perf_counter() - started), 0.0)

    try:
        if not receiver.poll(left()):
            if child.is_alive():
                raise RenderFailed("timeout", _timeout_message(limits), seconds=time.perf_counter() - started)
            raise RenderFailed("error", _crash_message(child), seconds=time.perf_counter() - started)
        try:
            status, peak = receiver.recv()
            if status == "memory":
                raise RenderFailed("memory", _memory_message(limits), seconds=time.perf_counter() - started)
            if not receiver.poll(left()):
                raise RenderFailed("timeout", _timeout_message(limits), seconds=time.perf_counter() - started)
            content = receiver.recv_bytes()
        except EOFError:
            child.join(5)
            raise RenderFailed("error", _crash_message(child), seconds=time.perf_counter() - started)
        return Rendered(content, time.perf_counter() - started, peak)
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)
        child.close()


def _timeout_message(limits: RenderLimits) -> str:
    return f"Vytvoření dokumentu nebylo dokončeno do {limits.seconds:g} s a bylo přerušeno."


def _memory_message(limits: RenderLimits) -> str:
    return f"Vytvoření dokumentu by potřebovalo více paměti, než je dovoleno ({limits.memory_bytes // 2**20} MB)."


def _crash_message(child) -> str:
    child.join(5)
    code = child.exitcode
    if code is not None and code < 0:
        return (f"Proces, který dokument vytvářel, byl ukončen signálem {-code} (nejspíš překročil dovolenou "
                f"paměť nebo dobu).")
    return f"Vytváření dokumentu skončilo chybou (kód {code}); podrobnosti jsou v záznamu serveru."
