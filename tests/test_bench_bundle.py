"""The bundle-size benchmark rebuilds a stale bundle and names the largest parts."""

from __future__ import annotations

import os

from benchmarks import bench_bundle


def _touch(path, mtime: float, size: int = 1) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    os.utime(path, (mtime, mtime))


def test_a_bundle_older_than_the_packaging_files_is_stale(tmp_path) -> None:
    bundle, sources = tmp_path / "dist" / "exposure-app", tmp_path / "packaging"
    assert bench_bundle.is_stale(bundle, sources)  # no bundle at all
    _touch(sources / "exposure-app.spec", 1_000)
    _touch(bundle / "exposure-app", 2_000)
    assert not bench_bundle.is_stale(bundle, sources)
    _touch(sources / "README.md", 3_000)  # documentation does not change the bundle
    assert not bench_bundle.is_stale(bundle, sources)
    _touch(sources / "icu_trim.py", 3_000)  # a packaging change after the build
    assert bench_bundle.is_stale(bundle, sources)


def test_largest_parts_group_by_top_folder_of_internal(tmp_path) -> None:
    bundle = tmp_path / "exposure-app"
    _touch(bundle / "exposure-app", 0, 3_000_000)
    _touch(bundle / "_internal" / "PySide6" / "Qt" / "lib" / "libQt6Gui.so.6", 0, 4_000_000)
    _touch(bundle / "_internal" / "PySide6" / "QtCore.abi3.so", 0, 2_000_000)
    _touch(bundle / "_internal" / "libpython3.11.so.1.0", 0, 1_000_000)
    (bundle / "_internal" / "link.so").symlink_to(bundle / "_internal" / "libpython3.11.so.1.0")
    assert bench_bundle.largest_parts(bundle, 2) == [("PySide6", 6.0), ("exposure-app", 3.0)]
    assert bench_bundle._size_mb(bundle) == 10.0  # the symlink is not counted twice
