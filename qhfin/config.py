"""Settings, declared once; read from arguments or ``QHFIN_*`` variables, never at import time."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help_zh: str
    help_en: str


SETTINGS = (
    Setting("root", str(ROOT), "项目根目录（含 source/、graph/、ontology/、shapes/）", "project root (holds source/, graph/ …)"),
    Setting("build_dir", "", "构建产物目录，默认 <root>/build", "where built artefacts go; default <root>/build"),
)


@dataclass(frozen=True)
class Config:
    root: Path = ROOT
    build_dir: Path = field(default=ROOT / "build")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Config:
        """Arguments win over ``QHFIN_*`` variables, which win over the defaults."""
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, object] = {}
        for f in fields(cls):
            if f"QHFIN_{f.name.upper()}" in environ:
                values[f.name] = environ[f"QHFIN_{f.name.upper()}"]
        values.update({k: v for k, v in overrides.items() if v is not None})
        root = Path(str(values.get("root", ROOT)))
        build_dir = Path(str(values["build_dir"])) if values.get("build_dir") else root / "build"
        return cls(root=root, build_dir=build_dir)

    @property
    def source_file(self) -> Path:
        return self.root / "source" / "qinghai-14fyp-finance-plan.txt"

    @property
    def ontology_file(self) -> Path:
        return self.root / "ontology" / "qhfin.ttl"

    @property
    def graph_dir(self) -> Path:
        return self.root / "graph"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def built_graph(self) -> Path:
        return self.build_dir / "qhfin.trig"
