"""The pieces under the index that an operator meets: the options a deployment sets,
the checksum that tells a damaged index file, and the memory a build gives back."""

from __future__ import annotations

import json
import sys
from types import SimpleNamespace

import numpy as np
import pytest

from paperboy.search import IndexOptions, SearchIndex, TokenizerOptions, memory
from paperboy.search.checksum import checksum
from paperboy.search.memory import return_freed_memory


@pytest.mark.parametrize(
    "options",
    [
        {"k1": 1e-9},
        {"b": 0.0},
        {"b": 1.0},
        {"title_weight": 0},
        {"k1": 0.5, "b": 0.5, "epsilon": 0.0, "title_weight": 1},
    ],
)
def test_options_at_their_bounds_are_accepted(options: dict[str, float]) -> None:
    made = IndexOptions(**options)  # type: ignore[arg-type]
    for name, value in options.items():
        assert getattr(made, name) == value


@pytest.mark.parametrize(
    "options",
    [{"k1": 0.0}, {"k1": -1.0}, {"b": -0.01}, {"b": 1.01}, {"title_weight": -1}],
)
def test_options_out_of_bounds_are_refused_naming_them(options: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=r"^invalid index options: IndexOptions\(k1=") as raised:
        IndexOptions(**options)  # type: ignore[arg-type]
    name, value = next(iter(options.items()))
    assert f"{name}={value!r}" in str(raised.value)


def test_options_are_recorded_as_plain_values() -> None:
    """What a saved index records, to be compared at the next start."""
    options = IndexOptions(
        k1=1.2, b=0.75, epsilon=0.25, title_weight=2, tokenizer=TokenizerOptions(stem=False)
    )
    recorded = options.to_json()
    assert json.loads(json.dumps(recorded)) == recorded
    assert recorded["k1"] == 1.2
    assert recorded["b"] == 0.75
    assert recorded["epsilon"] == 0.25
    assert recorded["title_weight"] == 2
    assert recorded["tokenizer"]["stem"] is False
    assert recorded != IndexOptions().to_json()


def _random_bytes(n: int, seed: int) -> np.ndarray[tuple[int], np.dtype[np.uint8]]:
    return np.random.default_rng(seed).integers(0, 256, n, dtype=np.uint8)


def test_changing_any_bit_of_an_array_changes_its_checksum() -> None:
    for length in range(41):  # whole 64-bit words, in every lane, and a tail
        data = _random_bytes(length, seed=length)
        before = checksum(data)
        for i in range(length):
            for bit in range(8):
                changed = data.copy()
                changed[i] ^= 1 << bit
                assert checksum(changed) != before, (length, i, bit)


def test_an_array_cut_short_changes_its_checksum_even_where_it_held_zeros() -> None:
    zeros = {checksum(np.zeros(n, dtype=np.uint8)) for n in range(100)}
    assert len(zeros) == 100
    data = _random_bytes(100, seed=7)
    assert len({checksum(data[:n]) for n in range(101)}) == 101


def test_the_checksum_is_what_the_format_version_recorded() -> None:
    """A file saved by an earlier build of this format version must still load: the
    checksums it recorded must come out the same."""
    data = np.frombuffer(bytes(range(256)) * 3 + b"tail", dtype=np.uint8)
    assert {n: checksum(data[:n]) for n in RECORDED} == RECORDED


# Checksums of the first n bytes of that array, as format version 9 records them.
RECORDED = {
    0: 0x4A70095EE95627D2,
    1: 0x4A70095EE95627D3,
    7: 0xA45CC844AC0412D5,
    8: 0x01FF99EE2CABE37E,
    31: 0xE00A467D85772E31,
    32: 0xC9621F5170A83392,
    33: 0x0272E8218758B133,
    772: 0x925836B01B2D16D2,
}


def _resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_memory_a_build_freed_goes_back_to_the_system() -> None:
    """After a large build the process keeps only what the index needs: the heap pages
    freed in the middle of the heap are returned, not kept for reuse."""
    # 64 KB blocks stay on the heap (below malloc's mmap threshold); freeing every
    # other one leaves 64 MB of holes that the heap's top cannot give back.
    blocks = [b"x" * 65_536 for _ in range(2048)]
    del blocks[::2]
    before = _resident_bytes()
    return_freed_memory()
    assert before - _resident_bytes() > 32 * 1024 * 1024
    del blocks


def test_a_build_where_the_c_library_has_no_malloc_trim_gives_nothing_back_and_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # musl (Alpine Linux's C library) has no malloc_trim: ctypes raises AttributeError.
    monkeypatch.setattr(memory.sys, "platform", "linux")
    monkeypatch.setattr(memory, "ctypes", SimpleNamespace(CDLL=lambda name: object()))
    index = SearchIndex.build([{"id": "1", "title": "Graphs", "abstract": "Graph networks."}])
    assert [hit.paper_id for hit in index.search("graph")] == ["1"]
