"""HTTP plumbing for the Discord simulator: exact JSON responses, bodies, injected faults."""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, web

from tests.simulators.discord.records import SentAttachment

if TYPE_CHECKING:
    from collections.abc import Callable

JsonDict = dict[str, Any]

FILE_FIELD = re.compile(r"^files\[(\d+)\]$")


def json_response(
    data: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A JSON response whose Content-Type is exactly ``application/json``.

    aiohttp's ``json_response`` appends ``; charset=utf-8``; discord.py compares the header
    verbatim, treats such a body as text and crashes at login.
    """
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


def error_response(status: int, code: int, message: str) -> web.Response:
    """A Discord error body: ``{"code": <JSON error code>, "message": ...}``."""
    return json_response({"code": code, "message": message}, status=status)


@dataclass
class UploadedFile:
    filename: str
    content_type: str | None
    data: bytes


async def read_body(request: web.Request) -> tuple[JsonDict, dict[int, UploadedFile]]:
    """The JSON body and the uploaded files of a request (JSON, multipart, or empty).

    discord.py sends files as multipart/form-data: a ``payload_json`` part holding the JSON
    body and one ``files[n]`` part per file, matched to ``attachments[].id == n``.
    """
    if request.content_type != "multipart/form-data":
        raw = await request.read()
        return (json.loads(raw) if raw else {}), {}
    body: JsonDict = {}
    files: dict[int, UploadedFile] = {}
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue
        data = await part.read(decode=True)
        name = part.name or ""
        if name == "payload_json":
            body = json.loads(data)
        elif match := FILE_FIELD.match(name):
            content_type = part.headers.get("Content-Type")
            files[int(match.group(1))] = UploadedFile(
                part.filename or name, content_type, bytes(data)
            )
    return body, files


def attachments_from(
    body: JsonDict, files: dict[int, UploadedFile], new_id: Callable[[], int]
) -> list[SentAttachment]:
    """Uploaded files as attachments, named and described by the body's ``attachments`` list."""
    described = {int(item["id"]): item for item in body.get("attachments") or [] if "id" in item}
    attachments = []
    for index, upload in sorted(files.items()):
        meta = described.get(index, {})
        attachments.append(
            SentAttachment(
                id=new_id(),
                filename=str(meta.get("filename") or upload.filename),
                content_type=upload.content_type,
                data=upload.data,
                description=meta.get("description"),
            )
        )
    return attachments


@dataclass
class Fault:
    """A canned answer for the next ``remaining`` requests matching ``method`` and ``path``."""

    method: str
    path: str
    remaining: int
    status: int
    body: JsonDict
    headers: dict[str, str] = field(default_factory=dict)
    lose_answer: bool = False
    """The request takes effect, but the connection drops before its answer is sent."""

    def response(self) -> web.Response:
        return json_response(self.body, status=self.status, headers=self.headers)


class FaultPlan:
    """Injected faults, matched on method and path below the API base (``*`` wildcards allowed)."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        self._faults.append(fault)

    def take(self, method: str, path: str) -> Fault | None:
        """Use up one matching fault, or None if no fault applies."""
        for fault in self._faults:
            if fault.method == method and fnmatch.fnmatchcase(path, fault.path):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def pending(self) -> list[Fault]:
        """Faults not yet used up (a test can assert its injected fault was actually hit)."""
        return list(self._faults)
