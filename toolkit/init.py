"""init: write a commented starter initiative file."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .config_messages import say
from .errors import ConfigError
from .files import atomic_write
from .language import user_language

INITIATIVE_FILE = "initiative.yaml"


def init(directory: Path | str) -> Path:
    """Write DIR/initiative.yaml from the commented starter; never overwrite an existing file."""
    target = Path(directory) / INITIATIVE_FILE
    if target.exists():
        raise ConfigError(say("already_exists", user_language(), path=target))
    atomic_write(target, resources.files("toolkit").joinpath("starter.yaml").read_bytes())
    return target
