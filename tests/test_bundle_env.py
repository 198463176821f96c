"""The Linux bundle's build environment (``packaging/bundle_env.py``).

What is checked here without compiling anything: which versions the bundle
environment pins (those of the environment the tests run in, numpy's included
but built from source), how the numpy wheel is built and reused, and the
error a build machine without a compiler gets. The real compile, install and
bundle run in the ``packaging`` test of ``tests/test_packaging.py``.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def _bundle_env():
    spec = importlib.util.spec_from_file_location("bundle_env", REPO_ROOT / "packaging" / "bundle_env.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_requirements_are_the_runtime_dependencies_and_the_packaging_extra() -> None:
    env = _bundle_env()
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    requirements = env.project_requirements()
    assert requirements == [*project["dependencies"], *project["optional-dependencies"]["packaging"]]
    assert any(r.startswith("numpy") for r in requirements)
    assert any(r.startswith("pyinstaller") for r in requirements)
    assert not any(r.startswith("pytest") for r in requirements)  # the test extra stays out


def test_constraints_pin_what_the_tests_ran_with_except_numpy_and_the_project() -> None:
    env = _bundle_env()
    versions = env.installed_versions()
    pins = env.constraints(versions)
    pinned = dict(line.split("==") for line in pins)
    assert pinned["pyside6-essentials"] == metadata.version("PySide6-Essentials")
    assert pinned["ccxt"] == metadata.version("ccxt")
    assert pinned["keyring"] == metadata.version("keyring")
    assert "numpy" not in pinned  # installed from the wheel built without BLAS instead
    assert "exposure-app" not in pinned  # the spec imports the source tree
    names = [line.split("==")[0] for line in pins]
    assert names == sorted(names)


def test_dependency_pins_follow_extras_and_skip_other_extras_and_the_unpinned() -> None:
    """jusText requires ``lxml[html_clean]``: pip's constraints alone left lxml_html_clean out."""
    env = _bundle_env()
    versions = env.installed_versions()
    pins = dict(line.split("==") for line in env.dependency_pins(env.project_requirements(), versions))
    assert pins["lxml-html-clean"] == metadata.version("lxml_html_clean")  # through an extra
    assert pins["coincurve"] == metadata.version("coincurve")  # bip-utils' dependency
    assert pins["ccxt"] == metadata.version("ccxt")
    assert "numpy" not in pins and "exposure-app" not in pins
    assert "pytest" not in pins and "mypy" not in pins  # trafilatura's "dev" extra is not asked for
    assert "pandas" not in pins  # nor its "eval" extra


def test_names_are_compared_in_their_canonical_form() -> None:
    env = _bundle_env()
    pins = env.constraints({"Foo_Bar": "1", "numpy": "2.4.6", "exposure-app": "0.1", "a.b": "3"})
    assert pins == ["Foo_Bar==1", "a.b==3"]
    assert env.canonical_name("PySide6_Essentials") == "pyside6-essentials"
    assert env.canonical_name("zope.interface") == "zope-interface"


def test_a_cached_numpy_wheel_is_reused_without_compiling(monkeypatch, tmp_path) -> None:
    env = _bundle_env()
    cached = tmp_path / "numpy-2.4.6-noblas-nodispatch" / "numpy-2.4.6-cp311-cp311-linux_x86_64.whl"
    cached.parent.mkdir()
    cached.write_bytes(b"wheel")

    def no_compiling(*args, **kwargs):
        raise AssertionError(f"compiled although a wheel was cached: {args}")

    monkeypatch.setattr(env.subprocess, "run", no_compiling)
    assert env.numpy_wheel("2.4.6", tmp_path) == cached


def _pip_builds_a_wheel(env, monkeypatch) -> list[list[str]]:
    """Stand in for ``pip wheel`` (no compiler here): record each command, write a wheel file."""
    commands: list[list[str]] = []

    def fake_pip(command, check):
        commands.append(command)
        out = Path(command[command.index("--wheel-dir") + 1])
        (out / "numpy-2.4.6-cp311-cp311-linux_x86_64.whl").write_bytes(b"wheel")
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(env, "_check_compiler", lambda: None)
    monkeypatch.setattr(env.subprocess, "run", fake_pip)
    return commands


def test_numpy_is_compiled_from_source_without_blas_lapack_or_cpu_dispatch(monkeypatch, tmp_path) -> None:
    env = _bundle_env()
    commands = _pip_builds_a_wheel(env, monkeypatch)
    wheel = env.numpy_wheel("2.4.6", tmp_path)
    assert wheel.parent == tmp_path / "numpy-2.4.6-noblas-nodispatch"
    (command,) = commands
    assert command[:4] == [sys.executable, "-m", "pip", "wheel"]
    assert "numpy==2.4.6" in command
    assert command[command.index("--no-binary") + 1] == "numpy"  # from source, never the PyPI wheel
    for arg in ("-Dblas=none", "-Dlapack=none", "-Dallow-noblas=true", "-Dcpu-dispatch=none"):
        assert f"--config-settings=setup-args={arg}" in command


def test_numpy_build_problems_name_blas_and_dispatch() -> None:
    env = _bundle_env()
    plain = {"Build Dependencies": {"blas": {"name": "none"}},
             "SIMD Extensions": {"baseline": ["X86_V2"], "found": []}}  # fmt: skip
    assert env.numpy_build_problem(plain) is None
    with_blas = {**plain, "Build Dependencies": {"blas": {"name": "scipy-openblas"}}}
    assert env.numpy_build_problem(with_blas) == "still uses BLAS: scipy-openblas"
    dispatching = {**plain, "SIMD Extensions": {"baseline": ["X86_V2"], "found": ["X86_V3", "X86_V4"]}}
    assert env.numpy_build_problem(dispatching) == "still dispatches to X86_V3 X86_V4"
    # the running environment's numpy is PyPI's wheel: BLAS and dispatch both on
    import numpy

    assert env.numpy_build_problem(numpy.show_config(mode="dicts")) is not None


def test_a_wheel_built_with_other_options_is_not_reused(monkeypatch, tmp_path) -> None:
    """A wheel cached by an older build (BLAS off, dispatch on) sits in another folder."""
    env = _bundle_env()
    old = tmp_path / "numpy-2.4.6-noblas" / "numpy-2.4.6-cp311-cp311-linux_x86_64.whl"
    old.parent.mkdir()
    old.write_bytes(b"wheel with dispatch")
    compiled = _pip_builds_a_wheel(env, monkeypatch)
    assert env.numpy_wheel("2.4.6", tmp_path) != old
    assert len(compiled) == 1


def test_pip_building_nothing_is_an_error(monkeypatch, tmp_path) -> None:
    env = _bundle_env()
    monkeypatch.setattr(env, "_check_compiler", lambda: None)
    monkeypatch.setattr(env.subprocess, "run", lambda command, check: subprocess.CompletedProcess(command, 0))
    with pytest.raises(env.BundleEnvError, match="no numpy wheel"):
        env.numpy_wheel("2.4.6", tmp_path)


def test_a_build_machine_without_a_compiler_gets_told_what_to_install(monkeypatch) -> None:
    env = _bundle_env()
    monkeypatch.setattr(env.shutil, "which", lambda tool: None if tool == "c++" else f"/usr/bin/{tool}")
    with pytest.raises(env.BundleEnvError) as raised:
        env._check_compiler()
    message = str(raised.value)
    assert "c++" in message and "g++" in message
    assert "--numpy-with-blas" in message


def test_missing_python_headers_are_named(monkeypatch, tmp_path) -> None:
    env = _bundle_env()
    monkeypatch.setattr(env.shutil, "which", lambda tool: f"/usr/bin/{tool}")
    monkeypatch.setattr(env.sysconfig, "get_paths", lambda: {"include": str(tmp_path)})
    with pytest.raises(env.BundleEnvError, match=r"Python\.h"):
        env._check_compiler()
