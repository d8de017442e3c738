"""Where the project's own files are: tidtam runs from its checkout (``make demo``)."""

from pathlib import Path

import tidtam

ROOT = Path(tidtam.__file__).resolve().parent.parent
DEFAULT_CONFIG_DIR = ROOT / "config"
TEMPLATES_DIR = ROOT / "templates"
STATIC_DIR = TEMPLATES_DIR / "static"
SAMPLE_DIR = ROOT / "sample"
