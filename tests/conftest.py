"""Shared fixtures: the default configuration and fresh copies of inputs and outputs."""

from pathlib import Path

import pytest

from pipeline import paths
from pipeline.config import Config, load


@pytest.fixture(scope="session")
def config() -> Config:
    return load(paths.INPUTS / paths.CONFIG_NAME)


@pytest.fixture
def workdir(tmp_path: Path) -> tuple[Path, Path]:
    """An empty inputs/ holding only the commune's configuration, and an empty outputs/."""
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    inputs.mkdir()
    outputs.mkdir()
    (inputs / paths.CONFIG_NAME).write_bytes((paths.INPUTS / paths.CONFIG_NAME).read_bytes())
    return inputs, outputs
