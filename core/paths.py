"""Where tidtam's own files are: templates and the default config.

In a checkout (``make demo``, an editable install) they are the top-level ``templates/`` and
``config/`` folders; a regular ``pip install .`` puts the same folders inside the installed
package (``tidtam/templates``, ``tidtam/config``). Either way they sit beside ``core/``.
"""

from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_DIR = PACKAGE_ROOT / "config"
TEMPLATES_DIR = PACKAGE_ROOT / "templates"
STATIC_DIR = TEMPLATES_DIR / "static"
