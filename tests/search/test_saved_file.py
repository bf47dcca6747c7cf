"""The saved index file: laid out as its format version says, refused with a log line
that names what is wrong when it cannot be trusted, and no litter left by saves."""

from __future__ import annotations

import fcntl
import itertools
import json
import logging
import mmap
import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from paperboy.search import DocFilter, IndexOptions, SearchIndex, builder
from paperboy.search.checksum import checksum

# The layout the format version promises (see `paperboy.search.persist`), written out
# here again: a file saved by one build must be readable by any build of the same
# version, so the layout cannot drift without the version changing.
MAGIC = b"PBOYIDX\n"
PREFIX = struct.Struct("<8sQI4x")  # magic, header length, header CRC-32, padding
ALIGN = 64

PAPERS: list[dict[str, Any]] = [
    {
        "id": "a",
        "title": "Graph neural networks",
        "abstract": "Message passing over molecules.",
        "authors": ["Ada Lovelace"],
        "date": "2024-01-10",
        "upvotes": 5,
    },
    {
        "id": "b",
        "title": "Graph transformers",
        "abstract": "Attention over graph nodes.",
        "upvotes": 50,
    },
    {
        "id": "c",
        "title": "Protein folding",
        "abstract": "Structure prediction of proteins.",
        "authors": ["Wei Yang", "Ada Lovelace"],
    },
    {"id": "d", "title": "Diffusion models", "abstract": "Image generation with graphs."},
    {"id": "e", "title": "Language models", "abstract": "Scaling laws for text."},
]


DOC_DTYPES = {
    "doc_length": "<i4",
    "doc_live": "|b1",
    "doc_text_key": "<u8",
    "doc_authors_key": "<u8",
    "doc_dates": "<i4",
    "doc_votes": "<i8",
    "df": "<i8",
    "length_code": "<u2",
    "idf": "<f8",
    "seg0_indptr": "<i8",
    "seg0_docs": "<i4",
    "seg0_tfs": "<u2",
    "seg0_bound": "<f8",
}
AUTHOR_DTYPES = {"authors_text": "|u1", "authors_starts": "<i8", "authors_docs": "<i4"}


def aligned(n: int) -> int:
    return -(-n // ALIGN) * ALIGN


def read(path: Path) -> tuple[dict[str, Any], bytes]:
    """The header and the arrays' bytes of a saved index, as the layout says."""
    data = path.read_bytes()
    magic, head_len, head_crc = PREFIX.unpack_from(data)
    assert magic == MAGIC
    head = data[PREFIX.size : PREFIX.size + head_len]
    assert zlib.crc32(head) == head_crc
    return json.loads(head), data[aligned(PREFIX.size + head_len) :]


def write(path: Path, header: dict[str, Any], body: bytes) -> None:
    """Write a (changed) header with a correct CRC before the arrays."""
    head = json.dumps(header).encode()
    start = PREFIX.pack(MAGIC, len(head), zlib.crc32(head)) + head
    path.write_bytes(start.ljust(aligned(len(start)), b"\0") + body)


def shorten(header: dict[str, Any], body: bytes, name: str, by: int = 1) -> None:
    """Make array `name` `by` items shorter, with a checksum that matches: a file
    consistent in itself whose arrays disagree with each other."""
    spec = header["arrays"][name]
    spec["shape"][0] -= by
    size = int(np.prod(spec["shape"])) * np.dtype(spec["dtype"]).itemsize
    raw = np.frombuffer(body, dtype=np.uint8)[spec["offset"] : spec["offset"] + size]
    spec["checksum"] = checksum(raw)


@pytest.fixture
def index() -> SearchIndex:
    built = SearchIndex.build(PAPERS[:3])
    built.add(PAPERS[3:])  # two segments
    return built


@pytest.fixture
def saved(index: SearchIndex, tmp_path: Path) -> Path:
    path = tmp_path / "search.idx"
    index.save(path, sequence=3)
    return path


def refused(path: Path, caplog: pytest.LogCaptureFixture, **kw: Any) -> str:
    """Load `path`, expect None, and return the one warning's message."""
    with caplog.at_level(logging.INFO, logger="paperboy.search"):
        assert SearchIndex.load(path, **kw) is None
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    return record.getMessage()


def not_used(path: Path, why: str) -> str:
    return f"saved search index {path} not used: {why}; it will be rebuilt"


def test_the_file_is_laid_out_as_its_format_version_says(saved: Path) -> None:
    header, body = read(saved)
    assert header["format"] == 10
    assert header["sequence"] == 3
    assert header["options"] == IndexOptions().to_json()
    # Each array starts at the first 64-byte boundary after the one before it.
    offset = 0
    for spec in header["arrays"].values():
        assert spec["offset"] == offset
        offset += aligned(int(np.prod(spec["shape"])) * np.dtype(spec["dtype"]).itemsize)
    assert len(body) == offset

    def array(name: str) -> np.ndarray[Any, Any]:
        spec = header["arrays"][name]
        dtype = np.dtype(spec["dtype"])
        count = int(np.prod(spec["shape"]))
        return np.frombuffer(body, dtype=dtype, count=count, offset=spec["offset"])

    # Each per-document array takes the bytes the format promises (a million papers' index
    # is mapped into every process).
    dtypes = {name: header["arrays"][name]["dtype"] for name in header["arrays"]}
    assert {name: dtypes[name] for name in DOC_DTYPES} == DOC_DTYPES
    assert array("doc_votes").tolist() == [5, 50, 0, 0, 0]
    assert array("doc_live").tolist() == [True] * 5
    text = array("doc_ids_text").tobytes()
    starts = array("doc_ids_starts").tolist()
    assert [text[s:e].decode() for s, e in itertools.pairwise(starts)] == list("abcde")
    for name, spec in header["arrays"].items():
        assert spec["checksum"] == checksum(array(name).view(np.uint8)), name


@pytest.mark.parametrize("papers", [PAPERS, [dict(p, authors=[]) for p in PAPERS]])
def test_the_authors_arrays_take_the_bytes_the_format_says_with_or_without_authors(
    papers: list[dict[str, Any]], tmp_path: Path
) -> None:
    path = tmp_path / "search.idx"
    SearchIndex.build(papers).save(path, sequence=1)
    header, _ = read(path)
    assert {name: header["arrays"][name]["dtype"] for name in AUTHOR_DTYPES} == AUTHOR_DTYPES


def test_a_loaded_index_filters_by_author_as_the_saved_one_did(
    index: SearchIndex, saved: Path
) -> None:
    loaded = SearchIndex.load(saved)
    assert loaded is not None
    lovelace = DocFilter(authors=("ada lovelace",))
    for either in (index, loaded.index):
        assert [h.paper_id for h in either.search("graph protein", where=lovelace)] == ["c", "a"]
        assert either.newest(DocFilter(authors=("yang",))) == ["c"]
        assert either.newest(lovelace) == ["a", "c"]


@pytest.mark.parametrize("doc", [5, 6, 1_000_000])
def test_an_author_of_a_paper_the_file_does_not_hold_matches_nothing(saved: Path, doc: int) -> None:
    """A file consistent in itself (checksums right) whose first author entry, Ada
    Lovelace of paper "a", names a document past the five it holds."""
    header, body = read(saved)
    spec = header["arrays"]["authors_docs"]
    docs = np.frombuffer(body, dtype="<i4", count=spec["shape"][0], offset=spec["offset"]).copy()
    assert docs.tolist() == [0, 2, 2]
    docs[0] = doc
    spec["checksum"] = checksum(docs.view(np.uint8))
    at = spec["offset"]
    write(saved, header, body[:at] + docs.tobytes() + body[at + docs.nbytes :])
    loaded = SearchIndex.load(saved)
    assert loaded is not None
    lovelace = DocFilter(authors=("ada lovelace",))
    assert [h.paper_id for h in loaded.index.search("graph protein", where=lovelace)] == ["c"]
    assert loaded.index.newest(lovelace) == ["c"]


@pytest.mark.parametrize("past", [0, 1, 1_000])
def test_a_compound_part_past_the_vocabulary_is_not_looked_for(tmp_path: Path, past: int) -> None:
    """A file consistent in itself whose compound "fine-tuning" names, as its second part,
    a term past the terms it holds: "finetuning" finds what the closed word alone finds."""
    path = tmp_path / "search.idx"
    papers = [
        {"id": "a", "title": "Fine-tuning language models", "abstract": ""},
        {"id": "b", "title": "Fine tuning of robots", "abstract": ""},
        {"id": "c", "title": "Finetuning graphs", "abstract": ""},
    ]
    SearchIndex.build(papers).save(path, sequence=1)
    header, body = read(path)
    spec = header["arrays"]["compounds_parts"]
    parts = np.frombuffer(body, dtype="<i8", count=spec["shape"][0], offset=spec["offset"]).copy()
    assert len(parts) == 2
    parts[1] = header["arrays"]["df"]["shape"][0] + past
    spec["checksum"] = checksum(parts.view(np.uint8))
    at = spec["offset"]
    write(path, header, body[:at] + parts.tobytes() + body[at + parts.nbytes :])
    loaded = SearchIndex.load(path)
    assert loaded is not None
    assert sorted(h.paper_id for h in loaded.index.search("finetuning")) == ["a", "c"]


def test_a_path_that_cannot_be_read_is_reported_with_the_reason(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "search.idx"
    path.mkdir()
    assert refused(path, caplog) == (
        f"saved search index {path} is unreadable ([Errno 21] Is a directory: '{path}');"
        " it will be rebuilt"
    )


def test_a_missing_file_is_news_not_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "none.idx"
    with caplog.at_level(logging.INFO, logger="paperboy.search"):
        assert SearchIndex.load(path) is None
    (record,) = caplog.records
    assert record.levelno == logging.INFO
    assert record.getMessage() == f"no saved search index at {path}; it will be built"


@pytest.mark.parametrize("size", [0, 23])
def test_a_file_shorter_than_its_prefix_is_truncated(
    saved: Path, size: int, caplog: pytest.LogCaptureFixture
) -> None:
    saved.write_bytes(saved.read_bytes()[:size])
    assert refused(saved, caplog) == not_used(saved, "file is truncated")


def test_a_file_of_just_a_prefix_is_unreadable_not_truncated(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "prefix.idx"
    path.write_bytes(PREFIX.pack(MAGIC, 0, zlib.crc32(b"")))
    message = refused(path, caplog)
    assert message.startswith(f"saved search index {path} is unreadable (")
    assert message.endswith("); it will be rebuilt")


def test_another_kind_of_file_is_not_an_index(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "notes.idx"
    path.write_bytes(b"PBOYIDX\r" + bytes(100))
    assert refused(path, caplog) == not_used(path, "not a paperboy index file")


@pytest.mark.parametrize("cut", ["flipped", "short"])
def test_a_damaged_header_is_refused(
    saved: Path, cut: str, caplog: pytest.LogCaptureFixture
) -> None:
    data = bytearray(saved.read_bytes())
    if cut == "flipped":
        data[PREFIX.size + 10] ^= 0x01
    else:
        data = data[: PREFIX.size + 10]  # the header is cut off
    saved.write_bytes(bytes(data))
    assert refused(saved, caplog) == not_used(saved, "header checksum mismatch")


def test_a_file_of_another_format_version_is_refused(
    saved: Path, caplog: pytest.LogCaptureFixture
) -> None:
    header, body = read(saved)
    header["format"] = 9
    write(saved, header, body)
    assert refused(saved, caplog) == not_used(saved, "format version 9, expected 10")


def test_an_index_built_with_other_options_is_refused(
    saved: Path, caplog: pytest.LogCaptureFixture
) -> None:
    message = refused(saved, caplog, options=IndexOptions(title_weight=2))
    assert message == not_used(saved, "built with other options")


@pytest.mark.parametrize("sequence", [-1, "3", 3.0, True, None])
def test_a_file_without_a_usable_change_sequence_is_refused(
    saved: Path, sequence: object, caplog: pytest.LogCaptureFixture
) -> None:
    header, body = read(saved)
    header["sequence"] = sequence
    write(saved, header, body)
    assert refused(saved, caplog) == not_used(saved, "no change sequence recorded")


def test_sequence_zero_is_a_sequence(index: SearchIndex, tmp_path: Path) -> None:
    """A store that never changed has sequence 0: its index is reused."""
    index.save(tmp_path / "zero.idx", sequence=0)
    loaded = SearchIndex.load(tmp_path / "zero.idx")
    assert loaded is not None
    assert loaded.sequence == 0


def test_an_array_cut_short_is_named(saved: Path, caplog: pytest.LogCaptureFixture) -> None:
    header, body = read(saved)
    # The last array with any bytes, cut in its middle.
    name, spec = max(
        ((n, s) for n, s in header["arrays"].items() if np.prod(s["shape"]) > 1),
        key=lambda item: item[1]["offset"],
    )
    size = int(np.prod(spec["shape"])) * np.dtype(spec["dtype"]).itemsize
    saved.write_bytes(saved.read_bytes()[: -len(body) + spec["offset"] + size // 2])
    assert refused(saved, caplog) == not_used(saved, f"array {name} is truncated")


@pytest.mark.parametrize("name", ["seg0_docs", "doc_votes", "df"])
def test_a_damaged_array_is_named(saved: Path, name: str, caplog: pytest.LogCaptureFixture) -> None:
    header, body = read(saved)
    damaged = bytearray(body)
    damaged[header["arrays"][name]["offset"]] ^= 0x10
    write(saved, header, bytes(damaged))
    assert refused(saved, caplog) == not_used(saved, f"checksum mismatch in {name}")


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("doc_length", "document arrays disagree in length"),
        ("doc_live", "document arrays disagree in length"),
        ("doc_dates", "document arrays disagree in length"),
        ("doc_votes", "document arrays disagree in length"),
        ("df", "vocabulary and statistics disagree in length"),
        ("length_code", "derived arrays disagree in length"),
        ("idf", "derived arrays disagree in length"),
        ("terms_hashes", "the terms table is inconsistent"),
        ("doc_ids_numbers", "the doc_ids table is inconsistent"),
        ("doc_ids_text", "the doc_ids table is inconsistent"),
    ],
)
def test_arrays_that_disagree_are_refused(
    saved: Path, name: str, why: str, caplog: pytest.LogCaptureFixture
) -> None:
    header, body = read(saved)
    shorten(header, body, name)
    write(saved, header, body)
    assert refused(saved, caplog) == not_used(saved, why)


@pytest.mark.parametrize("table", ["terms", "doc_ids"])
def test_a_table_without_its_starts_is_refused(
    saved: Path, table: str, caplog: pytest.LogCaptureFixture
) -> None:
    header, body = read(saved)
    starts = f"{table}_starts"
    shorten(header, body, starts, by=header["arrays"][starts]["shape"][0])
    write(saved, header, body)
    assert refused(saved, caplog) == not_used(saved, f"the {table} table is damaged")


def test_a_table_listing_more_findable_strings_than_it_holds_is_refused(
    saved: Path, caplog: pytest.LogCaptureFixture
) -> None:
    header, body = read(saved)
    # One string fewer (its start and its text dropped), its hash and number kept.
    shorten(header, body, "doc_ids_starts")
    shorten(header, body, "doc_ids_text")
    write(saved, header, body)
    assert refused(saved, caplog) == not_used(saved, "the doc_ids table is inconsistent")


def test_a_loaded_index_saved_again_after_adds_keeps_everything(
    index: SearchIndex, saved: Path
) -> None:
    first = SearchIndex.load(saved)
    assert first is not None
    first.index.add(
        [
            {"id": "f", "title": "Zeppelin airships", "abstract": "Lighter than air."},
            dict(PAPERS[1], abstract="Attention over zeppelin nodes."),  # replaced
        ]
    )
    first.index.save(saved, sequence=4)
    again = SearchIndex.load(saved)
    assert again is not None
    assert again.sequence == 4
    loaded = again.index
    assert len(loaded) == 6
    assert [h.paper_id for h in loaded.search("zeppelin")] == ["f", "b"]
    assert loaded.search("zeppelin") == first.index.search("zeppelin")
    assert loaded.search("graph") == first.index.search("graph")
    # The replaced paper is found under its id as its new text, once.
    for grown in (first.index, loaded):
        assert [h.paper_id for h in grown.search("graph", exclude=["b"])] == ["a", "d"]
        assert [h.paper_id for h in grown.search("attention zeppelin", exclude=["f"])] == ["b"]
    assert [h.paper_id for h in loaded.similar("b")] == [
        h.paper_id for h in first.index.similar("b")
    ]
    assert "b" in loaded
    assert "z" not in loaded


def test_a_save_while_an_add_is_under_way_loads_back_what_was_searchable(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An add learns the words of its papers a chunk at a time before any is searchable;
    a save meanwhile (any thread may save) writes the index as searches see it."""
    first = SearchIndex.load(saved)
    assert first is not None
    index = first.index
    index.add([{"id": "f", "title": "Zeppelin airships", "abstract": "Lighter than air."}])
    monkeypatch.setattr(builder, "CHUNK", 2)
    during = saved.parent / "during.idx"

    def records() -> Any:
        yield {"id": "g", "title": "Quasar jets", "abstract": "Relativistic plasma."}
        yield {"id": "h", "title": "Quasar hosts", "abstract": "Elliptical galaxies."}
        index.save(during, sequence=5)  # the first chunk's words are learned by now
        yield {"id": "i", "title": "Quasar surveys", "abstract": "Sky maps."}

    index.add(records())
    again = SearchIndex.load(during)
    assert again is not None
    assert len(again.index) == 6
    assert [h.paper_id for h in again.index.search("zeppelin")] == ["f"]
    assert again.index.search("quasar plasma") == []
    assert [h.paper_id for h in index.search("quasar")] == ["g", "h", "i"]


def test_paper_ids_of_any_text_are_found_after_a_load(tmp_path: Path) -> None:
    odd = ["Ünïcode-id", "emoji-\U0001f680", "lone-\udc80-surrogate", "a"]
    papers = [{"id": pid, "title": f"Zeppelin {n}", "abstract": ""} for n, pid in enumerate(odd)]
    SearchIndex.build(papers).save(tmp_path / "odd.idx", sequence=1)
    saved = SearchIndex.load(tmp_path / "odd.idx")
    assert saved is not None
    for pid in odd:
        assert pid in saved.index
    assert not any(f"absent-{n}" in saved.index for n in range(200))
    assert [h.paper_id for h in saved.index.search("zeppelin", limit=10)] == odd
    assert saved.index.search("zeppelin", exclude=odd[1:]) == [
        h for h in saved.index.search("zeppelin") if h.paper_id == odd[0]
    ]


def test_a_failed_save_leaves_nothing_behind(index: SearchIndex, tmp_path: Path) -> None:
    target = tmp_path / "search.idx"
    (target / "inside").mkdir(parents=True)  # a directory where the file should go
    with pytest.raises(OSError, match=r"search\.idx"):
        index.save(target, sequence=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["search.idx"]


def test_a_load_removes_only_what_killed_saves_left(
    index: SearchIndex, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "search[1].idx"  # glob characters in the name are taken literally
    index.save(path, sequence=1)
    killed = [tmp_path / f"search[1].idx.k{n}.tmp" for n in range(12)]
    running = tmp_path / "search[1].idx.held.tmp"
    others = [
        tmp_path / "search1.idx.x1y2.tmp",
        tmp_path / "search[1].idx.bak",
        tmp_path / "search[1].idx.tmp",
        tmp_path / "other.idx.x1y2.tmp",
    ]
    for file in [*killed, running, *others]:
        file.write_bytes(b"partial")
    with running.open("rb") as held, caplog.at_level(logging.INFO, logger="paperboy.search"):
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        assert SearchIndex.load(path) is not None
    assert [r.getMessage() for r in caplog.records] == [
        "removed 12 file(s) left by an interrupted index save"
    ]
    assert caplog.records[0].levelno == logging.INFO
    assert sorted(tmp_path.iterdir()) == sorted([path, running, *others])


def test_a_leftover_that_cannot_be_removed_is_reported_and_the_load_goes_on(
    saved: Path, caplog: pytest.LogCaptureFixture
) -> None:
    stuck = saved.parent / (saved.name + ".x1y2.tmp")
    stuck.mkdir()
    killed = [saved.parent / f"{saved.name}.k{n}.tmp" for n in range(12)]
    for file in killed:
        file.write_bytes(b"partial")
    with caplog.at_level(logging.INFO, logger="paperboy.search"):
        assert SearchIndex.load(saved) is not None
    warning, info = caplog.records
    assert warning.levelno == logging.WARNING
    message = warning.getMessage()
    assert message.startswith(f"cannot remove {stuck}, left by an interrupted save: ")
    assert "Is a directory" in message
    assert info.getMessage() == "removed 12 file(s) left by an interrupted index save"
    assert sorted(saved.parent.iterdir()) == [saved, stuck]


def test_a_save_makes_the_folders_it_needs(index: SearchIndex, tmp_path: Path) -> None:
    path = tmp_path / "data" / "indexes" / "search.idx"
    index.save(path, sequence=5)
    index.save(path, sequence=6)  # and saves again into them
    saved = SearchIndex.load(path)
    assert saved is not None
    assert saved.sequence == 6


def test_every_large_array_of_a_loaded_index_is_shared_from_the_file(saved: Path) -> None:
    """Processes that load one index share its pages: the per-document and per-term
    statistics too are views of the mapped file, not computed again into private memory."""
    loaded = SearchIndex.load(saved)
    assert loaded is not None
    state = loaded.index._state
    for name in ("length_code", "idf", "df"):
        array = getattr(state, name)
        assert not array.flags.writeable, name
        base: object = array
        while isinstance(base, np.ndarray | memoryview):
            base = base.base if isinstance(base, np.ndarray) else base.obj
        assert isinstance(base, mmap.mmap), name
