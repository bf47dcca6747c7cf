"""The three-step upload that slack_sdk's files_upload_v2 performs.

1. `files.getUploadURLExternal` (filename, length in the query string) returns an
   upload_url and a file_id;
2. the raw bytes are POSTed to that upload_url;
3. `files.completeUploadExternal` (files=JSON [{"id", "title"}], channel_id or
   channels, initial_comment, thread_ts) shares the file.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .records import UploadedFile

if TYPE_CHECKING:
    from .workspace import Workspace


class FileUploads:
    """The files of every workspace; each is shared in the workspace of the call's token."""

    def __init__(self) -> None:
        self._files: dict[str, UploadedFile] = {}

    def completed(self) -> list[UploadedFile]:
        """Files shared by files.completeUploadExternal, in the order they were shared."""
        return [f for f in self._files.values() if f.completed]

    def get_upload_url(self, args: dict[str, Any], base_url: str,
                       workspace: Workspace) -> dict[str, Any]:
        filename = args.get("filename")
        try:
            length = int(args.get("length", ""))
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        if not isinstance(filename, str) or not filename or length <= 0:
            return {"ok": False, "error": "invalid_arguments"}
        file_id = workspace.new_id("F")
        self._files[file_id] = UploadedFile(
            file_id=file_id, filename=filename, length=length,
            alt_txt=args.get("alt_txt"), snippet_type=args.get("snippet_type"),
            team=workspace.identity.team_id, enterprise=workspace.identity.enterprise_id)
        return {"ok": True, "upload_url": f"{base_url}/upload/{file_id}", "file_id": file_id}

    async def receive(self, request: web.Request) -> web.Response:
        """The upload URL: raw bytes (slack_sdk) or a multipart `file` field."""
        uploaded = self._files.get(request.match_info["file_id"])
        if uploaded is None:
            return web.Response(status=404, text="file_not_found")
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            field = form.get("file")
            content = field.file.read() if isinstance(field, web.FileField) else b""
        else:
            content = await request.read()
        uploaded.content = content
        return web.Response(text=f"OK - {len(content)}")

    def complete(self, args: dict[str, Any], workspace: Workspace) -> dict[str, Any]:
        try:
            entries = json.loads(args.get("files", ""))
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        if not isinstance(entries, list) or not entries:
            return {"ok": False, "error": "invalid_arguments"}
        channels = _channels(args)
        for channel in channels:
            error = workspace.posting_error(channel)
            if error is not None:
                return {"ok": False, "error": error}
        chosen: list[tuple[UploadedFile, str | None]] = []
        for entry in entries:
            uploaded = self._files.get(str(entry.get("id"))) if isinstance(entry, dict) else None
            if uploaded is None or uploaded.content is None or not _same_install(
                    uploaded, workspace):
                return {"ok": False, "error": "file_not_found"}
            chosen.append((uploaded, entry.get("title")))
        for uploaded, title in chosen:
            uploaded.title = title or uploaded.filename
            uploaded.channels = channels
            uploaded.thread_ts = args.get("thread_ts")
            uploaded.initial_comment = args.get("initial_comment")
            uploaded.completed = True
        return {"ok": True, "files": [_file_object(f) for f, _ in chosen]}


def _same_install(uploaded: UploadedFile, workspace: Workspace) -> bool:
    """A file is shared by the installation that uploaded it: the same workspace, or (an
    org-wide token) a workspace of the same Grid org."""
    identity = workspace.identity
    return uploaded.team == identity.team_id or (
        identity.enterprise_id is not None and uploaded.enterprise == identity.enterprise_id)


def _channels(args: dict[str, Any]) -> tuple[str, ...]:
    named = [args.get("channel_id"), *str(args.get("channels") or "").split(",")]
    return tuple(c for c in named if isinstance(c, str) and c)


def _file_object(uploaded: UploadedFile) -> dict[str, Any]:
    return {"id": uploaded.file_id, "name": uploaded.filename, "title": uploaded.title,
            "size": len(uploaded.content or b""), "channels": list(uploaded.channels)}
