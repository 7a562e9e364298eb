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

Fast path. A file of the usual shape — `{"<key>": [record, record, …]}` and nothing else — is read by a second
reader first: it decodes one record at a time with the standard library's C decoder (`raw_decode` on a window of
the text that never grows beyond the record limit) and checks the same limits on each record's text (its size,
its nesting, no value longer than the token limit, no long run of digits). Anything unusual — another root key,
a record or value over a limit, nesting too deep, text that is not JSON or UTF-8, a lone surrogate — hands the
file to the event reader above, which starts again from the beginning, skips the records already yielded
(they were read alike) and refuses or reads the rest exactly as it always has, with the same messages.
A file without `seek`/`tell` is read by the event reader alone.

Known records. With `known=RawIndex(...)` the fast reader also fingerprints the text of every record it reads
(SHA-256 of a salt and the record's UTF-8 bytes, with the record's length: `RawIndex.digest`) and keeps it in
`RecordStream.last_digest`. A record whose text equals one the index holds is not decoded: the reader yields a
`KnownRecord` carrying the index's payload instead. The index also remembers the order of its texts, so the
reader first compares the text at the current position with the one expected next (a hash of that many
characters, no decoding at all); otherwise it decodes the record as usual and looks its fingerprint up. A text
equal to one read and accepted before is a complete JSON value within every limit, so nothing is skipped that
the checks would have refused; the salt (the caller's rules and code, see `parse.raw_salt`) makes an index
built under other rules match nothing.

A refusal is `FileRefused` with a Czech message naming the file, the record (its number in the array) and the
byte position where the reader stopped. Values outside the array are skipped without being built.
`RecordStream.saw_array` tells afterwards whether the root was an object with that key holding an array.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate
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


class KnownRecord:
    """A record whose text equals one in the `RawIndex`: not decoded; `payload` is what the index holds for it."""

    __slots__ = ("payload", "digest", "index")

    def __init__(self, payload, digest: str, index: int = -1):
        self.payload = payload
        self.digest = digest
        self.index = index  # its position in the file's array (set by the parser)


class RawIndex:
    """Fingerprints of record texts read before (see the module docstring).

    `entries` are (fingerprint, payload) in the order the records are expected in the file; a fingerprint is
    `digest(text)`: the hex SHA-256 of `salt` and the text's UTF-8 bytes, a colon and the text's length in
    characters."""

    def __init__(self, salt: bytes, entries=()):
        self.salt = salt
        self.by_digest: dict[str, tuple[Any, int]] = {}
        self.sequence: list[tuple[str, int]] = []
        for fingerprint, payload in entries:
            if fingerprint in self.by_digest:
                continue  # two stored rows with the same text: neither is the one expected after another
            try:
                length = int(fingerprint.rpartition(":")[2])
            except ValueError:
                continue
            self.by_digest[fingerprint] = (payload, len(self.sequence))
            self.sequence.append((fingerprint, length))

    def digest(self, raw: bytes, length: int) -> str:
        return f"{hashlib.sha256(self.salt + raw).hexdigest()}:{length}"


class RecordStream:
    def __init__(self, fh: IO[bytes], *, key: str = "polozky", name: str = "soubor",
                 limits: StreamLimits | None = None, known: RawIndex | None = None):
        self.limits = limits or StreamLimits()
        self.key = key
        self.name = name
        self.reader = _CountingReader(fh, self.limits)
        self.saw_array = False
        self.count = 0
        self.known = known
        self.last_digest: str | None = None  # the fingerprint of the record yielded last (fast reader only)

    def _refuse(self, message: str) -> FileRefused:
        where = f"záznam č. {self.count}, " if self.reader.record_start is not None else ""
        return FileRefused(f"Soubor {self.name} ({where}kolem bajtu {self.reader.position}): {message}")

    def __iter__(self) -> Iterator[Any]:
        try:
            start = self.reader._fh.tell()
        except (AttributeError, OSError, ValueError):
            start = None
        done = 0
        if start is not None:
            fast = _FastReader(self.reader._fh, self.key, self.limits, self.known)
            try:
                for record in fast:
                    self.saw_array = True
                    self.count += 1
                    done += 1
                    self.last_digest = fast.last_digest
                    yield record
                self.saw_array = True
                return
            except _Fallback:
                pass
            self.reader._fh.seek(start)
            self.count = 0
            self.saw_array = False
            self.last_digest = None
        skip = done
        for record in self._checked_records():
            if skip:
                skip -= 1
                continue
            yield record

    def _checked_records(self) -> Iterator[Any]:
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


class _Fallback(Exception):
    """The fast reader met something it does not read itself: the event reader takes over."""


def _no_constant(name):
    raise _Fallback(name)  # NaN / Infinity: not JSON; the event reader refuses them


_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_no_constant)
_WS = re.compile(r"[ \t\n\r]*")
_HEAD = re.compile(r'[ \t\n\r]*\{[ \t\n\r]*"([^"\\]*)"[ \t\n\r]*:[ \t\n\r]*\[')
# Nesting depth from a record's bytes at C speed: keep only quotes and brackets (and, when there are escapes,
# backslashes and the letters an escape may use, so that each escape is dropped whole), drop the escapes, then the
# strings; what is left are the brackets outside strings.
_ALL = bytes(range(256))
_DROP_PLAIN = bytes(b for b in _ALL if b not in b'"[]{}')
_DROP_ESCAPED = bytes(b for b in _ALL if b not in b'"[]{}\\/bfnrtu')
_DROP_LETTERS = b"/bfnrtu"
_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_DEPTH_STEP = [0] * 256
_DEPTH_STEP[ord("[")] = _DEPTH_STEP[ord("{")] = 1
_DEPTH_STEP[ord("]")] = _DEPTH_STEP[ord("}")] = -1


def _depth(raw: bytes) -> int:
    """The deepest nesting of brackets outside strings in `raw` (a complete JSON value)."""
    if b"\\" in raw:
        kept = _ESCAPE.sub(b"", raw.translate(None, _DROP_ESCAPED))
        kept = b"".join(kept.split(b'"')[::2]).translate(None, _DROP_LETTERS)
    else:
        kept = b"".join(raw.translate(None, _DROP_PLAIN).split(b'"')[::2])  # every other piece is inside a string
    return max(accumulate(map(_DEPTH_STEP.__getitem__, kept)), default=0)
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")


class _FastReader:
    """The fast path (see the module docstring): yields the records of `{"key": [...]}` or raises `_Fallback`."""

    CHUNK = 1024 * 1024

    def __init__(self, fh, key: str, limits: StreamLimits, known: RawIndex | None = None):
        self.fh = fh
        self.key = key
        self.limits = limits
        self.known = known
        self.expected = 0  # index in `known.sequence` of the text expected next
        self.last_digest: str | None = None
        self.decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.digit_tail = b""
        self.window = limits.max_record_bytes + self.CHUNK

    def _more(self) -> None:
        """Read the next chunk (dropping what is consumed); a window over the limit hands over."""
        if self.eof:
            raise _Fallback("end of file")
        if len(self.buf) - self.pos > self.window:
            raise _Fallback("window")
        data = self.fh.read(self.CHUNK)
        if not data:
            self.eof = True
        zeros = self.digit_tail + data.translate(_DIGITS_AS_ZERO)
        if b"0" * MAX_DIGITS in zeros:
            raise _Fallback("digits")
        self.digit_tail = zeros[-MAX_DIGITS:]
        try:
            text = self.decoder.decode(data, final=self.eof)
        except UnicodeDecodeError:
            raise _Fallback("utf-8") from None
        self.buf = self.buf[self.pos:] + text
        self.pos = 0

    def _skip_ws(self) -> str:
        """The next character that is not white space ('' at the end of the file)."""
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if self.eof:
                return ""
            self._more()

    def __iter__(self) -> Iterator[Any]:
        while True:
            m = _HEAD.match(self.buf)
            if m:
                break
            if self.eof or len(self.buf) > 4096:
                raise _Fallback("head")
            self._more()
        if m.group(1) != self.key:
            raise _Fallback("another root key")
        self.pos = m.end()
        if self._skip_ws() == "]":
            self.pos += 1
        else:
            while True:
                yield self._record()
                c = self._skip_ws()
                if c == ",":
                    self.pos += 1
                    continue
                if c == "]":
                    self.pos += 1
                    break
                raise _Fallback("between records")
        if self._skip_ws() != "}":
            raise _Fallback("after the array")
        self.pos += 1
        if self._skip_ws() != "":
            raise _Fallback("after the root")

    def _expected_text(self) -> KnownRecord | None:
        """The record at the current position when its text is the one the index expects next."""
        known = self.known
        fingerprint, length = known.sequence[self.expected]
        while len(self.buf) - self.pos < length and not self.eof and length <= self.limits.max_record_bytes:
            self._more()
        text = self.buf[self.pos:self.pos + length]
        if len(text) != length or text[-1:] != "}":
            return None
        if known.digest(text.encode(), length) != fingerprint:
            return None
        self.pos += length
        self.expected += 1
        self.last_digest = fingerprint
        return KnownRecord(known.by_digest[fingerprint][0], fingerprint)

    def _record(self) -> Any:
        self._skip_ws()
        known = self.known
        if known is not None and self.expected < len(known.sequence) and self.buf[self.pos:self.pos + 1] == "{":
            found = self._expected_text()
            if found is not None:
                return found
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
                if end < len(self.buf) or self.eof:
                    break
                self._more()  # a number may go on in the next chunk
            except json.JSONDecodeError:
                self._more()  # an incomplete record at the end of the window, or not JSON: read on or hand over
            except RecursionError:
                raise _Fallback("nesting") from None
        text = self.buf[self.pos:end]
        self.pos = end
        limits = self.limits
        raw = text.encode()
        if len(raw) > limits.max_record_bytes or len(raw) > limits.max_token_bytes:
            raise _Fallback("size")  # the event reader decides by the exact rules
        if "\\u" in text and _SURROGATE.search(text):
            raise _Fallback("surrogate")
        if _depth(raw) + 2 > limits.max_depth:  # the root object and the array are two levels
            raise _Fallback("depth")
        if known is not None:
            fingerprint = known.digest(raw, len(text))
            self.last_digest = fingerprint
            hit = known.by_digest.get(fingerprint)
            if hit is not None:
                self.expected = hit[1] + 1
                return KnownRecord(hit[0], fingerprint)
        return value


def iter_records(fh: IO[bytes], *, key: str = "polozky", name: str = "soubor",
                 limits: StreamLimits | None = None, known: RawIndex | None = None) -> RecordStream:
    return RecordStream(fh, key=key, name=name, limits=limits, known=known)
