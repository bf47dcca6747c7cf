"""A saved index is reused only when it can be trusted."""

from __future__ import annotations

import json
import logging
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest

from paperboy.search import IndexOptions, SearchIndex


@pytest.fixture
def saved(sample_papers: list[dict[str, Any]], tmp_path: Path) -> Path:
    path = tmp_path / "search.idx"
    SearchIndex.build(sample_papers).save(path, sequence=1)
    return path


def test_a_saved_index_loads_and_answers_like_the_original(
    sample_papers: list[dict[str, Any]], saved: Path
) -> None:
    saved_index = SearchIndex.load(saved)
    assert saved_index is not None
    assert saved_index.sequence == 1
    loaded = saved_index.index
    assert len(loaded) == len(sample_papers)
    original = SearchIndex.build(sample_papers)
    for query in ["language models", "diffusion image generation", "fine-tuning"]:
        assert loaded.search(query) == original.search(query)
    assert loaded.similar(sample_papers[0]["id"]) == original.similar(sample_papers[0]["id"])


def test_saving_replaces_the_file_without_leaving_temporaries(saved: Path) -> None:
    loaded = SearchIndex.load(saved)
    assert loaded is not None
    loaded.index.save(saved, sequence=2)
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]
    again = SearchIndex.load(saved)
    assert again is not None
    assert again.sequence == 2


def test_an_index_of_no_papers_is_saved_loaded_and_then_takes_papers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A first start before any paper came (every source down) saves an empty index; the
    # next start uses it instead of refusing it and rebuilding.
    path = tmp_path / "search.idx"
    SearchIndex.build([]).save(path, sequence=0)
    with caplog.at_level(logging.INFO, logger="paperboy.search"):
        saved_index = SearchIndex.load(path)
    assert caplog.messages == []
    assert saved_index is not None
    index = saved_index.index
    assert len(index) == 0
    assert index.search("graphs") == []
    index.add([{"id": "2401.00001", "title": "Graphs", "abstract": "Graph networks."}])
    assert [hit.paper_id for hit in index.search("graphs")] == ["2401.00001"]


def _expect_none(
    path: Path, caplog: pytest.LogCaptureFixture, why: str, level: int = logging.WARNING, **kw: Any
) -> None:
    with caplog.at_level(level, logger="paperboy.search"):
        assert SearchIndex.load(path, **kw) is None
    assert why in caplog.text


def test_a_missing_file_is_reported_quietly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Every fresh store starts without one: news, not a warning.
    _expect_none(tmp_path / "nope.idx", caplog, "no saved search index", level=logging.INFO)
    assert all(r.levelno < logging.WARNING for r in caplog.records)


def test_other_options_are_refused(saved: Path, caplog: pytest.LogCaptureFixture) -> None:
    _expect_none(saved, caplog, "other options", options=IndexOptions(k1=1.2))


@pytest.mark.parametrize("where", [0.5, 0.9, 0.999])
def test_a_flipped_byte_is_detected(
    saved: Path, where: float, caplog: pytest.LogCaptureFixture
) -> None:
    data = bytearray(saved.read_bytes())
    pos = int(len(data) * where)
    data[pos] ^= 0x40
    saved.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="paperboy.search"):
        assert SearchIndex.load(saved) is None
    assert "not used" in caplog.text or "unreadable" in caplog.text


def test_a_damaged_header_is_detected(saved: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = bytearray(saved.read_bytes())
    data[40] ^= 0x01
    saved.write_bytes(bytes(data))
    _expect_none(saved, caplog, "header checksum")


@pytest.mark.parametrize("size", [0, 10, 100, 5000])
def test_a_truncated_file_is_detected(
    saved: Path, size: int, caplog: pytest.LogCaptureFixture
) -> None:
    saved.write_bytes(saved.read_bytes()[:size])
    with caplog.at_level(logging.WARNING, logger="paperboy.search"):
        assert SearchIndex.load(saved) is None


def test_garbage_is_not_an_index(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "g.idx"
    path.write_bytes(b"\x00garbage" * 1000)
    _expect_none(path, caplog, "not a paperboy index")


def test_another_format_version_is_refused(saved: Path, caplog: pytest.LogCaptureFixture) -> None:
    # Rewrite the header as a later version of paperboy would have written it.
    data = saved.read_bytes()
    prefix = struct.Struct("<8sQI4x")
    magic, head_len, _ = prefix.unpack_from(data)
    header = json.loads(data[prefix.size : prefix.size + head_len])
    header["format"] += 1
    head = json.dumps(header).encode()
    # The arrays start at the first 64-byte boundary after the header.
    arrays = data[-(-(prefix.size + head_len) // 64) * 64 :]
    start = prefix.pack(magic, len(head), zlib.crc32(head)) + head
    saved.write_bytes(start.ljust(-(-len(start) // 64) * 64, b"\0") + arrays)
    _expect_none(saved, caplog, "format version")


# A process saving an index to argv[1] that, at the rename into place, either dies (as if
# killed) or says "renaming" and waits for a line on stdin before going on.
SAVING_CHILD = """
import os, sys
from paperboy.search import SearchIndex
path, at_rename = sys.argv[1], sys.argv[2]
rename = os.replace
def interrupted(source, target):
    if at_rename == "die":
        os._exit(9)
    print("renaming", flush=True)
    sys.stdin.readline()
    rename(source, target)
os.replace = interrupted
SearchIndex.build([{"id": "1", "title": "Zeppelins", "abstract": "Airships."}]).save(
    __import__("pathlib").Path(path), sequence=7
)
"""


def saving_child(path: Path, at_rename: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", SAVING_CHILD, str(path), at_rename],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )


def test_a_save_killed_before_its_rename_leaves_nothing_after_the_next_load(
    saved: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with saving_child(saved, "die") as child:
        assert child.wait(timeout=60) == 9
    assert len(list(saved.parent.iterdir())) == 2  # the index and the killed save's file

    with caplog.at_level(logging.INFO, logger="paperboy.search"):
        assert SearchIndex.load(saved) is not None  # the old one

    assert [p.name for p in saved.parent.iterdir()] == [saved.name]
    assert "removed 1 file(s) left by an interrupted index save" in caplog.text


def test_a_load_while_another_process_saves_leaves_that_save_alone(saved: Path) -> None:
    with saving_child(saved, "wait") as child:
        try:
            assert child.stdout is not None
            assert child.stdout.readline() == "renaming\n"
            assert SearchIndex.load(saved) is not None
            assert len(list(saved.parent.iterdir())) == 2  # its file is still there
        finally:
            child.communicate("go on\n", timeout=60)

    assert child.returncode == 0
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]
    loaded = SearchIndex.load(saved)
    assert loaded is not None
    assert loaded.sequence == 7  # the child's
