"""release_memory gives freed heap pages back to the OS (glibc), so a worker does not sit at the
high-water mark of its heaviest batch."""
import ctypes
import ctypes.util

import psutil
import pytest

from flows.memory import release_memory

libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
glibc = hasattr(libc, "gnu_get_libc_version")


@pytest.mark.skipif(not glibc, reason="malloc_trim is glibc's; elsewhere release_memory does nothing")
def test_freed_small_blocks_stay_resident_until_released():
    libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    process = psutil.Process()
    before = process.memory_info().rss
    blocks = [libc.malloc(4000) for _ in range(50_000)]  # 200 MB in small blocks: the heap, not mmap
    for block in blocks:
        ctypes.memset(block, 1, 4000)
    grown = process.memory_info().rss
    for block in reversed(blocks[:-1]):  # the last block stays, pinning the top of the heap
        libc.free(block)
    freed = process.memory_info().rss
    assert grown - before > 150e6
    assert freed - before > 150e6  # free() alone keeps the pages
    assert release_memory() is True
    assert process.memory_info().rss - before < 50e6
    libc.free(blocks[-1])
