import json
import pathlib

import pytest

REFERENCE = pathlib.Path(__file__).resolve().parents[3] / "shared" / "reference"


@pytest.fixture
def gdc_reference():
    path = REFERENCE / "thai-gdc" / "ckan_dataset_v2.2.4.json"
    if not path.exists():
        pytest.skip(f"reference material not found at {path} (../shared/reference)")
    return json.loads(path.read_text(encoding="utf-8"))
