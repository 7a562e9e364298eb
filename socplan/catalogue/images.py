"""Photos of the catalogue (framework-free): the type, size and dimensions of an uploaded image, read from its
bytes, a copy without metadata, and bounded-size derivatives for the page, the card and the brochure
(`derivative`, Pillow).

Only PNG and JPEG are accepted, decided by the file's first bytes (never by its name or the browser's claim).
Dimensions come from the PNG header (IHDR) or the JPEG frame header (SOF). `strip_metadata` removes what a
camera or phone writes beside the picture (JPEG APPn segments other than the JFIF/Adobe colour markers and
comments; PNG text and EXIF chunks): a photo of a shelter must not publish the GPS position of its address.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
MAX_BYTES = 3 * 1024 * 1024
MIN_SIDE = 200
MAX_SIDE = 6000
CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg"}
# JPEG start-of-frame markers carry the dimensions (baseline, progressive, lossless, arithmetic …)
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_PNG_DROP = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}


class ImageError(ValueError):
    """The file is not an acceptable photo; the message is Czech and names the file."""


@dataclass(frozen=True)
class ImageInfo:
    kind: str  # "png" | "jpeg"
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


def _png_size(data: bytes) -> tuple[int, int]:
    if len(data) < 33 or data[12:16] != b"IHDR":
        raise ValueError
    return struct.unpack(">II", data[16:24])


def _jpeg_segments(data: bytes):
    """(marker, start, end) of each segment before the image data; end is exclusive."""
    i = 2
    while i < len(data):
        if data[i] != 0xFF:
            raise ValueError
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            yield marker, i, i + 2
            i += 2
            continue
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if length < 2:
            raise ValueError
        yield marker, i, i + 2 + length
        if marker == 0xDA:  # start of scan: the rest is image data
            return
        i += 2 + length
    raise ValueError


def _jpeg_size(data: bytes) -> tuple[int, int]:
    for marker, start, _end in _jpeg_segments(data):
        if marker in _SOF:
            height, width = struct.unpack(">HH", data[start + 5:start + 9])
            return width, height
    raise ValueError


def inspect(data: bytes, name: str = "") -> ImageInfo:
    """Type and dimensions of a photo, or `ImageError` with a Czech message naming the file."""
    label = f"„{name[:100]}“" if name else "Fotografie"
    if len(data) > MAX_BYTES:
        raise ImageError(f"Soubor {label} je větší než {MAX_BYTES // (1024 * 1024)} MB.")
    if data.startswith(PNG_MAGIC):
        kind = "png"
    elif data.startswith(JPEG_MAGIC):
        kind = "jpeg"
    else:
        raise ImageError(f"Soubor {label} není fotografie ve formátu JPEG ani PNG.")
    try:
        width, height = _png_size(data) if kind == "png" else _jpeg_size(data)
    except (ValueError, struct.error, IndexError):
        raise ImageError(f"Soubor {label} je poškozený: rozměry obrázku nelze přečíst.") from None
    if min(width, height) < MIN_SIDE or max(width, height) > MAX_SIDE:
        raise ImageError(f"Fotografie {label} má rozměry {width} × {height} px; povoleno je "
                         f"{MIN_SIDE}–{MAX_SIDE} px na každé straně.")
    return ImageInfo(kind, width, height)


def strip_metadata(data: bytes, kind: str) -> bytes:
    """The picture without metadata (see the module docstring); the pixels are unchanged."""
    if kind == "png":
        out, i = [data[:8]], 8
        while i + 8 <= len(data):
            length = struct.unpack(">I", data[i:i + 4])[0]
            ctype = data[i + 4:i + 8]
            end = i + 12 + length
            if ctype not in _PNG_DROP:
                out.append(data[i:end])
            i = end
            if ctype == b"IEND":
                break
        return b"".join(out)
    out, rest = [data[:2]], 2
    for marker, start, end in _jpeg_segments(data):
        if marker == 0xD8:
            continue
        keep = not ((0xE1 <= marker <= 0xED) or marker == 0xEF or marker == 0xFE)  # APP1–APP13, APP15, COM
        if marker == 0xDA:
            out.append(data[start:])
            return b"".join(out)
        if keep:
            out.append(data[start:end])
        rest = end
    out.append(data[rest:])
    return b"".join(out)


# --- derivatives (Pillow) -------------------------------------------------------------------------------------

DISPLAY_SIDE = 1200  # the page and the printed card
THUMB_SIDE = 400  # lists, the brochure
JPEG_QUALITY = 82


@dataclass(frozen=True)
class Derivative:
    data: bytes
    content_type: str
    width: int
    height: int


def derivative(data: bytes, max_side: int) -> Derivative:
    """A copy of the photo whose longer side is at most `max_side` px (never enlarged), turned upright by its
    EXIF orientation and saved without any metadata (EXIF, XMP, comments, text chunks; the ICC colour profile
    is kept so colours stay right). The format stays: a PNG gives a PNG, a JPEG a JPEG (quality 82).
    Raises `ImageError` when the picture cannot be decoded."""
    # WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES when it is imported, which would turn a
    # truncated upload into a grey-padded copy: decode strictly whatever else the process has imported.
    truncated_ok = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with Image.open(io.BytesIO(data), formats=("PNG", "JPEG")) as src:
            kind = "png" if src.format == "PNG" else "jpeg"
            icc = src.info.get("icc_profile")
            src.load()
            img = ImageOps.exif_transpose(src)
            img.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ImageError("Fotografii nelze přečíst: soubor je poškozený.") from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated_ok
    if kind == "png" and img.mode not in ("RGB", "RGBA", "L", "LA"):
        alpha = img.mode == "PA" or (img.mode == "P" and "transparency" in img.info)
        img = img.convert("RGBA" if alpha else "RGB")
    elif kind == "jpeg" and img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    if max(img.size) > max_side:
        img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    img.info = {}  # Pillow would carry a comment (and more) from the source into the copy
    out = io.BytesIO()
    extra = {"icc_profile": icc} if icc else {}
    if kind == "png":
        img.save(out, "PNG", optimize=True, **extra)
    else:
        img.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True, **extra)
    return Derivative(out.getvalue(), CONTENT_TYPES[kind], img.width, img.height)
