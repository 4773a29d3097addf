"""Where batches are staged and archived: a local folder or any fsspec filesystem URL.

The DuckDB file is local to the one process that publishes; the Parquet batches need not be.
A cluster whose workers run on other machines stages to storage they all reach (`s3://bucket/wh`,
`gs://...`, `abfs://...`, an NFS mount as `file:///mnt/shared/wh`, ...), and the publisher reads
the staged files back from there with pyarrow, so DuckDB needs no extension for remote storage.
Remote protocols need their fsspec package installed (s3fs, gcsfs, adlfs).
"""

from __future__ import annotations

from pathlib import Path

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq
from fsspec.core import url_to_fs


class Lake:
    """Parquet tables under one root URL; paths below it are 'folder/name.parquet' strings."""

    def __init__(self, url: str | Path):
        self.url = str(url)
        self.fs, root = url_to_fs(self.url)
        self.root = root.rstrip("/") or "/"

    @property
    def is_local(self) -> bool:
        return isinstance(self.fs, fsspec.implementations.local.LocalFileSystem)

    def path(self, *parts: str) -> str:
        return "/".join([self.root, *parts])

    def uri(self, *parts: str) -> str:
        """The location of a path for people and for other processes (a URL unless local)."""
        path = self.path(*parts)
        return path if self.is_local else self.fs.unstrip_protocol(path)

    def exists(self, *parts: str) -> bool:
        return self.fs.exists(self.path(*parts))

    def write_table(self, table: pa.Table, *parts: str) -> None:
        self.fs.makedirs(self.path(*parts[:-1]), exist_ok=True)
        with self.fs.open(self.path(*parts), "wb") as out:
            pq.write_table(table, out)

    def read_table(self, *parts: str) -> pa.Table:
        with self.fs.open(self.path(*parts), "rb") as handle:
            return pq.read_table(handle)

    def write_bytes(self, data: bytes, *parts: str) -> None:
        self.fs.makedirs(self.path(*parts[:-1]), exist_ok=True)
        with self.fs.open(self.path(*parts), "wb") as out:
            out.write(data)

    def read_bytes(self, *parts: str) -> bytes:
        with self.fs.open(self.path(*parts), "rb") as handle:
            return handle.read()

    def list(self, *parts: str) -> list[str]:
        """Names of the entries of a folder (none when it does not exist)."""
        if not self.fs.exists(self.path(*parts)):
            return []
        return sorted(
            entry.rstrip("/").rsplit("/", 1)[-1] for entry in self.fs.ls(self.path(*parts), detail=False)
        )

    def remove(self, *parts: str) -> None:
        if self.fs.exists(self.path(*parts)):
            self.fs.rm(self.path(*parts), recursive=True)

    def makedirs(self, *parts: str) -> None:
        self.fs.makedirs(self.path(*parts), exist_ok=True)

    def move(self, source: tuple[str, ...], target: tuple[str, ...]) -> None:
        """Move a folder, replacing what is at the target."""
        self.remove(*target)
        self.fs.makedirs(self.path(*target[:-1]), exist_ok=True)
        self.fs.mv(self.path(*source), self.path(*target), recursive=True)
