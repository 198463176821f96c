"""The Python environment the Linux bundle is built from.

PyInstaller bundles whatever the interpreter running it has installed. numpy's
PyPI wheels link its core module against a 25 MB OpenBLAS (plus libgfortran
and libquadmath, 28.5 MB in all), which is more than the rest of the bundle's
numpy and pyqtgraph together, and which the app never uses to any effect: its
numbers are Decimals, and numpy only carries chart coordinates, where no
matrix is larger than 3x3. A numpy built with ``-Dblas=none -Dlapack=none``
does everything the app asks of it with its own loops and its bundled
``lapack_lite`` (``np.dot``/``@`` and ``numpy.linalg`` still work, slower on
large matrices).

So on Linux ``build.py`` builds from a separate virtual environment,
``build/bundle-env``, holding:

* numpy built from its source distribution without BLAS, as a wheel cached in
  ``build/wheels`` (the first build compiles it: about 8 minutes on two
  cores, and needs a C/C++ compiler and Python's headers). It is also built
  without numpy's run-time CPU dispatch (``-Dcpu-dispatch=none``): numpy's
  wheels compile their loops, sorts and string routines once more for each
  newer x86 level (AVX2, AVX-512, ...) and pick one at run time, which for
  arrays of a few hundred chart points buys nothing and costs 5.1 MB. The
  baseline (SSE4.2 on x86-64) stays vectorised;
* the project's runtime dependencies and the ``packaging`` extra, pinned to
  the versions installed in the environment running ``build.py``, i.e. the
  versions the test suite ran with. numpy keeps the same version too.

The environment is remade only when what it should hold changes (a stamp file
records it). The project itself is not installed there: the spec imports it
from the source tree.

This module is imported by ``build.py`` only; nothing in the app uses it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: meson options for numpy's build: no BLAS/LAPACK libraries, its own fallbacks instead, and
#: only the baseline build of each SIMD loop (no copies for AVX2/AVX-512 picked at run time).
NUMPY_SETUP_ARGS: tuple[str, ...] = (
    "-Dblas=none", "-Dlapack=none", "-Dallow-noblas=true", "-Dcpu-dispatch=none",
)  # fmt: skip
#: The wheel cache's folder says how numpy was built: a wheel built otherwise is never reused.
NUMPY_BUILD_TAG = "noblas-nodispatch"
#: The project itself and numpy are not pinned from the running environment.
UNPINNED = frozenset({"exposure-app", "numpy"})
STAMP = "exposure-bundle-env.json"


class BundleEnvError(RuntimeError):
    """The build environment cannot be made; the message says what to install."""


def canonical_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def project_requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The runtime dependencies plus the ``packaging`` extra, as pyproject declares them."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["packaging"]]


def installed_versions() -> dict[str, str]:
    """``{canonical name: version}`` of what the running interpreter has installed."""
    versions: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            versions.setdefault(canonical_name(name), dist.version)
    return versions


def constraints(versions: dict[str, str]) -> list[str]:
    """``name==version`` lines pinning every installed distribution except ``UNPINNED``.

    As constraints (not requirements) they only fix the version of what the
    project's requirements pull in; nothing else gets installed.
    """
    return [f"{name}=={version}" for name, version in sorted(versions.items()) if name not in UNPINNED]


def dependency_pins(requirements: list[str], versions: dict[str, str]) -> list[str]:
    """``name==version`` for every distribution ``requirements`` reach in the running environment.

    Walks the installed metadata, extras included (jusText requires
    ``lxml[html_clean]``, which brings ``lxml_html_clean``): installing with
    constraints alone, pip left such an extra's packages out of the bundle
    environment, and the frozen app failed on ``lxml.html.clean``. Listing
    them as requirements installs exactly what the tests ran with.
    """
    from packaging.requirements import Requirement

    seen: set[str] = set()
    queue = [(Requirement(text), ("",)) for text in requirements]
    while queue:
        req, parent_extras = queue.pop()
        if req.marker is not None and not any(req.marker.evaluate({"extra": e}) for e in parent_extras):
            continue
        name = canonical_name(req.name)
        key = f"{name}[{','.join(sorted(req.extras))}]"
        if key in seen or name not in versions:
            continue
        seen.add(key)
        seen.add(name)
        extras = ("", *req.extras)
        for text in metadata.distribution(name).requires or ():
            queue.append((Requirement(text), extras))
    return [f"{name}=={versions[name]}" for name in sorted(n for n in seen if "[" not in n)
            if name not in UNPINNED]


def env_python(env: Path) -> Path:
    return env / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def _check_compiler() -> None:
    missing = [tool for tool in ("cc", "c++") if shutil.which(tool) is None]
    if missing:
        raise BundleEnvError(
            f"building numpy without BLAS needs a C and C++ compiler ({', '.join(missing)} not found);"
            " install gcc and g++ (scripts/install-system-deps.sh package), or build with"
            " --numpy-with-blas to bundle the installed numpy and its OpenBLAS"
        )
    header = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if not header.exists():
        raise BundleEnvError(
            f"building numpy needs Python's headers ({header} not found): install your Python's"
            " development package (Debian: python3-dev), or build with --numpy-with-blas"
        )


def numpy_wheel(version: str, wheels: Path) -> Path:
    """A numpy ``version`` wheel built with :data:`NUMPY_SETUP_ARGS`, from the cache or compiled now."""
    target = wheels / f"numpy-{version}-{NUMPY_BUILD_TAG}"
    found = sorted(target.glob(f"numpy-{version}-*.whl"))
    if found:
        return found[-1]
    _check_compiler()
    target.mkdir(parents=True, exist_ok=True)
    command = [
        # --no-cache-dir: pip's own wheel cache could hand back a numpy built
        # with other options; this function's folder is the cache instead.
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-cache-dir", "--no-binary", "numpy",
        f"numpy=={version}", "--wheel-dir", str(target),
        *(f"--config-settings=setup-args={arg}" for arg in NUMPY_SETUP_ARGS),
    ]  # fmt: skip
    print("+", " ".join(command), "(compiles numpy: several minutes)", flush=True)
    subprocess.run(command, check=True)
    found = sorted(target.glob(f"numpy-{version}-*.whl"))
    if not found:
        raise BundleEnvError(f"pip built no numpy wheel into {target}")
    return found[-1]


def numpy_build_problem(config: dict) -> str | None:
    """What in numpy's ``show_config(mode="dicts")`` contradicts :data:`NUMPY_SETUP_ARGS`, or ``None``."""
    blas = config.get("Build Dependencies", {}).get("blas", {}).get("name")
    if blas != "none":
        return f"still uses BLAS: {blas}"
    dispatched = config.get("SIMD Extensions", {}).get("found") or []
    if dispatched:
        return f"still dispatches to {' '.join(dispatched)}"
    return None


def _wanted_state(requirements: list[str], pins: list[str], wheel: Path) -> dict[str, object]:
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    return {
        "python": sys.version,
        "requirements": requirements,
        "constraints": pins,
        "numpy_wheel": wheel.name,
        "numpy_wheel_sha256": digest,
    }


def ensure_bundle_env(build_dir: Path = ROOT / "build") -> Path:
    """Make (or reuse) ``build_dir/bundle-env``; return its Python interpreter."""
    versions = installed_versions()
    if "numpy" not in versions:
        raise BundleEnvError("numpy is not installed in the environment running the build")
    wheel = numpy_wheel(versions["numpy"], build_dir / "wheels")
    requirements = project_requirements()
    requirements += dependency_pins(requirements, versions)
    pins = constraints(versions)
    wanted = _wanted_state(requirements, pins, wheel)
    env = build_dir / "bundle-env"
    stamp = env / STAMP
    python = env_python(env)
    if python.exists() and stamp.exists():
        try:
            if json.loads(stamp.read_text(encoding="utf-8")) == wanted:
                print(f"bundle environment: {env} (up to date)", flush=True)
                return python
        except json.JSONDecodeError:
            pass
    if env.exists():
        shutil.rmtree(env)
    print(f"bundle environment: creating {env}", flush=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(env)
    constraints_file = env / "constraints.txt"
    constraints_file.write_text("\n".join(pins) + "\n", encoding="utf-8")
    pip_env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    command = [str(python), "-m", "pip", "install", "--quiet", "--constraint", str(constraints_file),
               str(wheel), *requirements]  # fmt: skip
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True, env=pip_env)
    check = "import json, numpy; print(json.dumps(numpy.show_config(mode='dicts')))"
    result = subprocess.run([str(python), "-c", check], check=True, capture_output=True, text=True)
    problem = numpy_build_problem(json.loads(result.stdout))
    if problem is not None:
        raise BundleEnvError(f"the bundle environment's numpy {problem}")
    stamp.write_text(json.dumps(wanted, indent=2), encoding="utf-8")
    return python
