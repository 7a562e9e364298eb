"""A bounded streaming reader of a JSON file whose root object holds an array of records (framework-free).

`iter_records(fh, key="polozky", name=…, limits=…)` reads the file with ijson's event parser (`basic_parse`: no
prefix strings, whose total length grows with the square of the nesting) and builds one record at a time:

- nesting deeper than `limits.max_depth` (the registry's records nest about 6 levels) refuses the file;
- a record larger than `limits.max_record_bytes`, or a single string or number longer than
  `limits.max_token_bytes`, refuses the file — both are checked while the bytes are read, so memory stays
  bounded by these limits whatever the file holds;
- a run of more than `MAX_DIGITS` digits refuses the file before the parser converts it (ijson's C parser
  does not survive a number Python refuses to convert);
- what is not JSON (or not UTF-8) refuses the file.

A refusal is `FileRefused` with a Czech message naming the file, the record (its number in the array) and the
byte position where the reader stopped. Values outside the array are skipped without being built.
`RecordStream.saw_array` tells afterwards whether the root was an object with that key holding an array.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import ijson

MAX_DIGITS = 1000  # a run of more digits is refused before the parser sees it (see _CountingReader)
_DIGIT_RUN = re.compile(rb"[0-9]{%d,}" % MAX_DIGITS)


class FileRefused(Exception):
    """The whole file is not importable; nothing may change."""


@dataclass(frozen=True)
class StreamLimits:
    max_depth: int = 32
    max_record_bytes: int = 4 * 1024 * 1024
    max_token_bytes: int = 1024 * 1024
    buf_size: int = 16 * 1024


class _TooLarge(Exception):
    def __init__(self, what: str, position: int):
        super().__init__(what)
        self.what = what
        self.position = position


class _CountingReader:
    """Counts the bytes the parser has read and stops it inside an oversized record or token.

    It also stops it before a run of `MAX_DIGITS` digits: ijson's C parser converts an integer with more digits
    than Python converts (4300) into an error that leaves the process unstable (a segmentation fault follows), and
    no figure of the registry has more than a few digits."""

    def __init__(self, fh, limits: StreamLimits):
        self._fh = fh
        self._limits = limits
        self.position = 0
        self.mark = 0  # position when the last event was handled
        self.record_start: int | None = None
        self._digits = 0  # length of the run of digits the previous read ended with

    def read(self, n: int = -1) -> bytes:
        data = self._fh.read(n)
        self.position += len(data)
        if data:
            lead = len(data) - len(data.lstrip(b"0123456789"))
            if self._digits + lead >= MAX_DIGITS or _DIGIT_RUN.search(data):
                raise _TooLarge("digits", self.position)
            self._digits = self._digits + lead if lead == len(data) else len(data) - len(data.rstrip(b"0123456789"))
        if self.position - self.mark > self._limits.max_token_bytes + self._limits.buf_size:
            raise _TooLarge("token", self.position)
        if self.record_start is not None and (self.position - self.record_start
                                              > self._limits.max_record_bytes + self._limits.buf_size):
            raise _TooLarge("record", self.position)
        return data


def _mb(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.3g} MB"
    return f"{n / 1024:.3g} kB"


class RecordStream:
    def __init__(self, fh: IO[bytes], *, key: str = "polozky", name: str = "soubor",
                 limits: StreamLimits | None = None):
        self.limits = limits or StreamLimits()
        self.key = key
        self.name = name
        self.reader = _CountingReader(fh, self.limits)
        self.saw_array = False
        self.count = 0

    def _refuse(self, message: str) -> FileRefused:
        where = f"záznam č. {self.count}, " if self.reader.record_start is not None else ""
        return FileRefused(f"Soubor {self.name} ({where}kolem bajtu {self.reader.position}): {message}")

    def __iter__(self) -> Iterator[Any]:
        try:
            yield from self._records()
        except _TooLarge as exc:
            if exc.what == "record":
                raise self._refuse(f"záznam je větší než {_mb(self.limits.max_record_bytes)}; "
                                   "nejde o otevřená data registru.") from None
            if exc.what == "digits":
                raise self._refuse(f"řada číslic je delší než {MAX_DIGITS} znaků; nejde o otevřená data registru."
                                   ) from None
            raise self._refuse(f"jediný text nebo číslo je delší než {_mb(self.limits.max_token_bytes)}; "
                               "nejde o otevřená data registru.") from None
        except ijson.JSONError as exc:
            raise self._refuse(f"soubor není platný JSON (poškozený nebo neúplný): {exc}") from None
        except UnicodeDecodeError as exc:
            raise self._refuse(f"soubor není textový JSON v UTF-8: {exc}") from None
        except ValueError as exc:  # a value the parser cannot convert
            raise self._refuse(f"hodnotu nelze přečíst ({exc}).") from None

    def _records(self) -> Iterator[Any]:
        limits, reader = self.limits, self.reader
        events = ijson.basic_parse(reader, buf_size=limits.buf_size)
        depth = 0
        # The root must be an object; inside it, `key` must be an array; its items are built, the rest skipped.
        state = "start"  # start → root → (value of another key: skip) / items → after
        stack: list[Any] = []  # containers of the record being built
        keys: list[str | None] = []  # the pending map key at each level of `stack`
        skip_depth = 0
        pending_key: str | None = None
        for event, value in events:
            reader.mark = reader.position
            if event in ("start_map", "start_array"):
                depth += 1
                if depth > limits.max_depth:
                    raise self._refuse(f"vnoření je hlubší než {limits.max_depth} úrovní; nejde o otevřená data "
                                       "registru.")
            elif event in ("end_map", "end_array"):
                depth -= 1
            if state == "start":
                if event != "start_map":
                    return  # not an object: the caller sees saw_array == False
                state = "root"
                continue
            if state == "root":
                if event == "map_key":
                    pending_key = value
                    continue
                if event == "end_map":
                    state = "after"
                    continue
                if pending_key == self.key and event == "start_array" and not self.saw_array:
                    self.saw_array = True
                    state = "items"
                    continue
                if event in ("start_map", "start_array"):
                    state, skip_depth = "skip", depth - 1
                continue
            if state == "skip":
                if depth == skip_depth:
                    state = "root"
                continue
            if state == "items":
                if not stack:
                    if event == "end_array":  # the end of the array
                        state = "root"
                        continue
                    self.count += 1
                    if event in ("start_map", "start_array"):
                        reader.record_start = reader.position
                        stack.append({} if event == "start_map" else [])
                        keys.append(None)
                        continue
                    yield value  # a scalar item
                    continue
                if event == "map_key":
                    keys[-1] = value
                    continue
                if event in ("start_map", "start_array"):
                    stack.append({} if event == "start_map" else [])
                    keys.append(None)
                    continue
                if event in ("end_map", "end_array"):
                    done = stack.pop()
                    keys.pop()
                    if not stack:
                        reader.record_start = None
                        yield done
                        continue
                    value = done
                container = stack[-1]
                if isinstance(container, dict):
                    container[keys[-1]] = value
                else:
                    container.append(value)
                continue
        # state "after": anything after the root object is a JSON error the parser has raised already


def iter_records(fh: IO[bytes], *, key: str = "polozky", name: str = "soubor",
                 limits: StreamLimits | None = None) -> RecordStream:
    return RecordStream(fh, key=key, name=name, limits=limits)
