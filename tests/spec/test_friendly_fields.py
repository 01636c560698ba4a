"""``scripts/friendly_fields.py``: the TypedDicts of the friendly methods' extra fields follow
the generated request models, a field the document adds included."""

from __future__ import annotations

import textwrap
from pathlib import Path

import yaml

from scripts.friendly_fields import fields_module
from tests.support.document import ROOT

#: A generated model as openapi-python-client writes one, with fields the document may add.
LISTEN_REQUEST = """\
from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.region import Region


@_attrs_define
class ListenRequest:
    listen_agent: str
    agent_number: str
    region: Region
    action_id: str | Unset = UNSET
    silent_mode: bool | Unset = UNSET
    started: datetime.datetime | None | Unset = UNSET

    def to_dict(self) -> dict[str, object]:
        return {}
"""


def _document(tmp_path: Path) -> Path:
    body = {"content": {"application/json": {"schema": {"$ref": "#/c/s/ListenRequest"}}}}
    document = {"paths": {"/openapi/v1/call/listen": {"post": {"requestBody": body}}}}
    path = tmp_path / "call-monitor.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def test_each_extra_field_of_a_model_is_typed_and_the_named_ones_are_not(tmp_path: Path) -> None:
    package = tmp_path / "m7_openapi"
    (package / "models").mkdir(parents=True)
    (package / "models" / "listen_request.py").write_text(LISTEN_REQUEST, encoding="utf-8")
    text = fields_module(package, _document(tmp_path))
    body = text[text.index("class ListenRequestFields") :]
    assert body == textwrap.dedent('''\
        class ListenRequestFields(TypedDict, total=False):
            """``ListenRequest``'s fields beyond supervisor, agent and action id."""

            region: Required[Region]
            silent_mode: bool
            started: datetime.datetime | None
        ''')  # fmt: skip
    assert "import datetime\nfrom typing import Required, TypedDict\n" in text
    assert "from m7_openapi.models import Region\n" in text
    compile(text, "_fields.py", "exec")


def test_the_committed_module_is_what_the_committed_models_give() -> None:
    """(``make check-generated`` says the same with the document; this is the quick check.)"""
    package = ROOT / "generated_client" / "m7_openapi"
    committed = ROOT / "generated_client" / "m7_call_monitor" / "_fields.py"
    expected = fields_module(package, ROOT / "openapi" / "call-monitor.yaml")
    assert committed.read_text(encoding="utf-8") == expected
