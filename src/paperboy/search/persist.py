"""Saving an `IndexState` to one file and loading it back, or refusing to.

Layout: an 8-byte magic, the header length (u64) and the header's CRC-32
(u32, then 4 bytes of padding), the JSON header, then raw little-endian
arrays, each starting on a 64-byte boundary. The header records the format
version, the index options, the caller's `sequence` (which point of its data
the index reflects) and, per array, its dtype, shape, offset and checksum
(`checksum.py`). Loading maps the file read-only into memory and makes the
arrays views of the mapping: no parsing, no copies, and processes that load
the same file share its pages. A save writes a new file, so a mapping never
changes under a process that holds it.

A file is only trusted when everything matches; otherwise `load` logs why and
returns None so the caller rebuilds.

A save writes a temporary file beside the target and renames it into place,
holding an exclusive `flock` on it meanwhile. A save that was killed leaves its
temporary file behind; `load` (the next start) removes those no process holds.
"""

from __future__ import annotations

import fcntl
import glob
import json
import logging
import mmap
import os
import struct
import tempfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from paperboy.search.checksum import checksum
from paperboy.search.filters import AuthorTable
from paperboy.search.keys import Keys, KeyTable
from paperboy.search.postings import Postings
from paperboy.search.state import Compounds, DocTable, IndexState

if TYPE_CHECKING:
    from paperboy.search.options import IndexOptions

log = logging.getLogger(__name__)

# Raised whenever the file's arrays or the documents' tokens change (5: "t" is
# no longer a stopword; 6: no per-segment list of tf != 1 positions; 7: words
# mixing letters and digits also yield their runs, `alnum_parts`; 8: authors'
# names are indexed after the abstract; 9: a change sequence instead of a
# fingerprint, arrays checked by `checksum`; 10: documents' length codes and no
# per-document K and tf factor), so an index saved by an older paperboy is rebuilt.
FORMAT_VERSION = 10
_MAGIC = b"PBOYIDX\n"
_PREFIX = struct.Struct("<8sQI4x")
_ALIGN = 64
_SEGMENT_ARRAYS = ("indptr", "docs", "tfs", "bound")
_DERIVED = ("length_code", "idf")
_TEMP_SUFFIX = ".tmp"
_POPULATE = getattr(mmap, "MAP_POPULATE", 0)  # Linux only


class _BadFile(Exception):
    """The saved index cannot be used; the message says why."""


def save(path: Path, state: IndexState, terms: KeyTable, *, sequence: int) -> None:
    """Write `state` (and its vocabulary's `terms`) to `path` atomically, recording
    that it reflects its data up to `sequence`."""
    arrays: dict[str, npt.NDArray[Any]] = {}
    meta: dict[str, Any] = {}
    docs = state.docs
    _put_keys(arrays, "doc_ids", docs.ids.table_of(docs.n_docs, findable=docs.live))
    for name in ("length", "live", "text_key", "authors_key", "dates", "votes"):
        arrays[f"doc_{name}"] = getattr(docs, name)
    arrays["df"] = state.df
    # Derived from the arrays above; saved so that a load maps them instead of
    # computing them (0.1 s at a million papers, and shared between processes).
    for name in _DERIVED:
        arrays[name] = getattr(state, name)
    _put_keys(arrays, "terms", terms)
    meta["segments"] = []
    for i, seg in enumerate(state.segments):
        meta["segments"].append(
            {"base": seg.base, "n_docs": seg.n_docs, "bound_avgdl": seg.bound_avgdl}
        )
        for name in _SEGMENT_ARRAYS:
            arrays[f"seg{i}_{name}"] = getattr(seg, name)
    text, starts, author_docs = state.authors.arrays()
    arrays["authors_text"] = np.frombuffer(text, dtype=np.uint8)
    arrays["authors_starts"] = starts
    arrays["authors_docs"] = author_docs
    arrays["compounds_joined"] = state.compounds.joined
    arrays["compounds_indptr"] = state.compounds.indptr
    arrays["compounds_parts"] = state.compounds.parts

    header: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "options": state.options.to_json(),
        "sequence": sequence,
        "meta": meta,
        "arrays": {},
    }
    offset = 0
    for name, arr in arrays.items():
        arr = np.ascontiguousarray(arr)
        arrays[name] = arr
        header["arrays"][name] = {
            "dtype": arr.dtype.str,
            "shape": list(arr.shape),
            "offset": offset,
            "checksum": checksum(arr.reshape(-1).view(np.uint8)),
        }
        offset += _aligned(arr.nbytes)
    head = json.dumps(header).encode()
    body_start = _aligned(_PREFIX.size + len(head))

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=_TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            # Held until the rename: another process starting meanwhile sees a save in
            # progress, not a leftover to remove.
            fcntl.flock(out.fileno(), fcntl.LOCK_EX)
            out.write(_PREFIX.pack(_MAGIC, len(head), zlib.crc32(head)))
            out.write(head)
            out.write(b"\x00" * (body_start - _PREFIX.size - len(head)))
            for arr in arrays.values():
                out.write(arr.data.cast("B"))
                out.write(b"\x00" * (_aligned(arr.nbytes) - arr.nbytes))
            out.flush()
            os.fsync(out.fileno())
            os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_unfinished_saves(path: Path) -> list[Path]:
    """Delete the temporary files that saves to `path` left when they were killed;
    a file a running save holds (locked) is left alone. Returns what was removed."""
    removed = []
    for tmp in path.parent.glob(glob.escape(path.name) + ".*" + _TEMP_SUFFIX):
        try:
            with tmp.open("rb") as file:
                fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                tmp.unlink()
        except BlockingIOError:
            continue  # a save in progress
        except OSError as error:
            log.warning("cannot remove %s, left by an interrupted save: %s", tmp, error)
            continue
        removed.append(tmp)
    if removed:
        log.info("removed %d file(s) left by an interrupted index save", len(removed))
    return removed


def load(path: Path, *, options: IndexOptions) -> tuple[IndexState, KeyTable, int] | None:
    """(state, its vocabulary's terms, sequence) saved at `path`, or None (logged) when it cannot be
    trusted. The state's large arrays are read-only views of the file, mapped.

    First removes what interrupted saves left beside it (`remove_unfinished_saves`)."""
    remove_unfinished_saves(path)
    try:
        return _load(path, options=options)
    except FileNotFoundError:
        log.info("no saved search index at %s; it will be built", path)
    except _BadFile as bad:
        log.warning("saved search index %s not used: %s; it will be rebuilt", path, bad)
    except (OSError, ValueError, KeyError, TypeError, IndexError, struct.error) as exc:
        log.warning("saved search index %s is unreadable (%s); it will be rebuilt", path, exc)
    return None


def _load(path: Path, *, options: IndexOptions) -> tuple[IndexState, KeyTable, int]:
    with path.open("rb") as f:
        if os.fstat(f.fileno()).st_size < _PREFIX.size:
            raise _BadFile("file is truncated")
        # Mapped from the file opened here: a save renaming another file into place
        # meanwhile does not matter, and the mapping outlives the descriptor. Every
        # page is read at once (checksums, then searches): populating the mapping in
        # one call costs a fraction of faulting the pages in one by one.
        mapped = mmap.mmap(f.fileno(), 0, flags=mmap.MAP_SHARED | _POPULATE, prot=mmap.PROT_READ)
    buf = np.frombuffer(mapped, dtype=np.uint8)
    magic, head_len, head_crc = _PREFIX.unpack_from(buf[: _PREFIX.size].tobytes())
    if magic != _MAGIC:
        raise _BadFile("not a paperboy index file")
    head = buf[_PREFIX.size : _PREFIX.size + head_len].tobytes()
    if len(head) != head_len or zlib.crc32(head) != head_crc:
        raise _BadFile("header checksum mismatch")
    header = json.loads(head)
    if header.get("format") != FORMAT_VERSION:
        raise _BadFile(f"format version {header.get('format')}, expected {FORMAT_VERSION}")
    if header.get("options") != options.to_json():
        raise _BadFile("built with other options")
    sequence = header.get("sequence")
    if type(sequence) is not int or sequence < 0:
        raise _BadFile("no change sequence recorded")
    body = _aligned(_PREFIX.size + head_len)
    arrays = {name: _view(buf, body, name, spec) for name, spec in header["arrays"].items()}
    terms = _keys(arrays, "terms")
    return _state(options, header["meta"], arrays, len(terms)), terms, sequence


def _view(buf: npt.NDArray[np.uint8], body: int, name: str, spec: dict[str, Any]) -> Any:
    dtype = np.dtype(spec["dtype"])
    count = int(np.prod(spec["shape"], dtype=np.int64))
    start = body + int(spec["offset"])
    raw = buf[start : start + count * dtype.itemsize]
    if len(raw) != count * dtype.itemsize:
        raise _BadFile(f"array {name} is truncated")
    if checksum(raw) != spec["checksum"]:
        raise _BadFile(f"checksum mismatch in {name}")
    return raw.view(dtype).reshape(spec["shape"])


def _state(
    options: IndexOptions, meta: dict[str, Any], a: dict[str, Any], n_terms: int
) -> IndexState:
    ids = Keys(_keys(a, "doc_ids"))
    n_docs = len(ids)
    if any(len(a[f"doc_{n}"]) != n_docs for n in ("length", "live", "dates", "votes")):
        raise _BadFile("document arrays disagree in length")
    if len(a["df"]) != n_terms:
        raise _BadFile("vocabulary and statistics disagree in length")
    docs = DocTable(
        ids=ids,
        length=a["doc_length"],
        live=a["doc_live"],
        text_key=a["doc_text_key"],
        authors_key=a["doc_authors_key"],
        dates=a["doc_dates"],
        votes=a["doc_votes"],
    )
    segments = tuple(
        Postings(
            base=int(seg["base"]),
            n_docs=int(seg["n_docs"]),
            **{name: a[f"seg{i}_{name}"] for name in _SEGMENT_ARRAYS},
            bound_avgdl=float(seg["bound_avgdl"]),
        )
        for i, seg in enumerate(meta["segments"])
    )
    authors = AuthorTable.from_arrays(
        memoryview(a["authors_text"]), a["authors_starts"], a["authors_docs"]
    )
    compounds = Compounds(a["compounds_joined"], a["compounds_indptr"], a["compounds_parts"])
    length_code, idf = (a[name] for name in _DERIVED)
    if len(length_code) != n_docs or len(idf) != n_terms:
        raise _BadFile("derived arrays disagree in length")
    return IndexState(options, docs, segments, a["df"], authors, compounds, (length_code, idf))


_KEY_ARRAYS = ("text", "starts", "hashes", "numbers")


def _put_keys(arrays: dict[str, npt.NDArray[Any]], name: str, table: KeyTable) -> None:
    for part in _KEY_ARRAYS:
        arrays[f"{name}_{part}"] = getattr(table, part)


def _keys(arrays: dict[str, Any], name: str) -> KeyTable:
    table = KeyTable(*(arrays[f"{name}_{part}"] for part in _KEY_ARRAYS))
    # Without even the first start, `len(table)` would be -1, which `len` refuses.
    if len(table.starts) == 0:
        raise _BadFile(f"the {name} table is damaged")
    n = len(table)
    if (
        len(table.hashes) != len(table.numbers)
        or len(table.numbers) > n
        or int(table.starts[-1]) != len(table.text)
    ):
        raise _BadFile(f"the {name} table is inconsistent")
    return table


def _aligned(n: int) -> int:
    return (n + _ALIGN - 1) // _ALIGN * _ALIGN
