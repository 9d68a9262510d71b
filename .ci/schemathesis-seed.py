"""Records for schemathesis to work on, and its configuration naming them.

Without records, every operation on a person, an application or a file
answers 404 to the ids schemathesis makes up, and its answer schemas are
never exercised. This makes one person with a profile (an MLT(ASCP) holder,
so continuing education applies), an application with its checklist, a
contact, a reminder, a CE activity with a certificate and an attachment,
through the API itself, then writes `schemathesis.toml` binding each path
parameter to them.

Usage: python3 schemathesis-seed.py BASE_URL CSRF [COOKIE] > schemathesis.toml
"""

import json
import sys
import tomllib
import urllib.request
import uuid
from pathlib import Path

base, csrf = sys.argv[1], sys.argv[2]
cookie = sys.argv[3] if len(sys.argv) > 3 else ""
root = Path(__file__).resolve().parent.parent


def call(method, path, body=None, content_type="application/json"):
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("x-csrf-token", csrf)
    if cookie:
        request.add_header("Cookie", cookie)
    if data is not None:
        request.add_header("Content-Type", content_type)
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def pdf(text):
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET"
    return (
        "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >> endobj\n"
        f"4 0 obj << /Length {len(stream)} >> stream\n{stream}\nendstream endobj\n"
        "trailer << /Root 1 0 R >>\n%%EOF\n"
    ).encode()


def plain(value):
    """TOML values as JSON would write them (dates as text)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


profile = plain(tomllib.loads((root / "examples/profiles/mlt-ascp-bachelor.toml").read_text()))
person = call("POST", "/api/people", {"name": "Schemathesis Candidate", "profile": profile})["id"]
app = call("POST", f"/api/people/{person}/applications", {"step": "ny-clt-apply"})
app_id = app["application"]["id"]
key = app["checklist"][0]["key"]
call("POST", f"/api/applications/{app_id}/contacts", {"channel": "call", "summary": "asked about the file"})
reminder = call("POST", f"/api/people/{person}/reminders", {"due": "2031-01-02", "what": "call the board"})["id"]
activity = {
    "title": "Chemistry update",
    "date": "2026-03-01",
    "credit": {"unit": "contact_hours", "amount": 2.0},
    "categories": ["chemistry"],
}
body, content_type = multipart({"activity": json.dumps(activity)}, {"certificate": ("certificate.pdf", pdf("certificate"))})
logged = call("POST", f"/api/people/{person}/ce", body, content_type)["id"]
body, content_type = multipart({"document": key}, {"file": ("receipt.pdf", pdf("receipt"))})
attachment = call("POST", f"/api/applications/{app_id}/attachments", body, content_type)["id"]

parameters = {
    "path.person": person,
    "path.app": app_id,
    "path.key": key,
    "path.reminder": reminder,
    "path.activity": logged,
    "path.attachment": attachment,
    "path.credential": "ascp-mls",
    "path.code": "NY",
}
if cookie:
    feed = call("GET", "/api/calendar-feed")["path"].split("/")
    parameters["path.user"] = feed[2]
    parameters["path.token"] = feed[3]

print("# Written by .ci/schemathesis-seed.py: the records to work on.")
print("[parameters]")
for name, value in parameters.items():
    print(f"{json.dumps(name)} = {json.dumps(str(value))}")
