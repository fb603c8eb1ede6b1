"""Icons, style assets and demo data shipped with the app."""

from pathlib import Path

RESOURCES_DIR = Path(__file__).resolve().parent


def icon_path() -> Path:
    return RESOURCES_DIR / "icons" / "velvet-rope.svg"
