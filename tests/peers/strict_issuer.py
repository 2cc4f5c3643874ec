#!/usr/bin/env python3
"""A strict Issuer API v1.13 repository, written from the specification
(issuer-api-specification-v1.13.md, section 8.1), for the end-to-end tests.
It is not our repository: Python 3 standard library only.

    strict_issuer.py CONFIG.json [--sloppy CHECK]...

It listens on a free loopback port and prints "PORT <n>" once ready.

  POST /pulluri          the Pull URI Request API. There is no Pull Doc (v1.13
                         removed it): any other path is 404.
  GET  /violations       JSON list of what the caller did wrong that the
                         specification forbids (a raw Aadhaar number in a
                         request, a call to Pull Doc); the tests assert it is
                         empty.
  GET  /requests         JSON list of the request bodies received.
  POST /mode             body: one of normal, garbage, wrong_uri (another of
                         its URIs), foreign_uri (another issuer's), unechoed_txn,
                         not_pdf, oversized, slow, unauthorized: how the next
                         answers misbehave, for the locker's failure tests.

What it requires of every request (strict mode):
  - Content-Type application/xml;
  - x-digilocker-hmac: base64 of HMAC-SHA256 of the body keyed by the API key
    (8.1.1), else HTTP 401;
  - ver, ts, txn, orgId, keyhash (sha256 of key + ts), format (xml, pdf or
    both) (8.1.2 items 1 to 6); ts within 30 minutes; a txn used once;
  - DocType and a 36-character DigiLockerId (items 7 and 8);
  - UID, when sent, the 32-hex MD5 of an Aadhaar number (item 9);
  - FullName, for doc types configured with "check_name", equal to the name
    on the record (the check 8.1 strongly recommends).
--sloppy skips one of: hmac, keyhash, ts, replay, format; so the conformance
kit can be shown to name what an issuer skips.

CONFIG.json: {"org_id", "api_key", "doc_types": {"CODE": {"check_name": bool}},
"records": [{"uri", "doc_type", "fields": {..}, "aadhaar", "persons": [{"name",
"dob", "gender", "phone"}], "pdf_b64", "data_xml"}]}
"""

import base64
import datetime
import hashlib
import hmac
import json
import re
import sys
import threading
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import quoteattr, escape

CONFIG = {}
SLOPPY = set()
STATE = {"mode": "normal", "violations": [], "requests": [], "txns": set()}
LOCK = threading.Lock()


def violation(text):
    with LOCK:
        STATE["violations"].append(text)


def local(tag):
    return tag.rsplit("}", 1)[-1]


def child_text(element, name):
    for child in element:
        if local(child.tag).lower() == name.lower():
            return (child.text or "").strip()
    return None


def attr(element, name):
    for key, value in element.attrib.items():
        if local(key).lower() == name.lower():
            return value
    return None


def parse_ts(ts):
    try:
        return datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None


def normal_name(name):
    return " ".join(name.casefold().split())


def check_raw_aadhaar(body):
    """A 12-digit run that is an Aadhaar number of a record is a leak."""
    text = body.decode("utf-8", "replace")
    numbers = {r.get("aadhaar") for r in CONFIG["records"] if r.get("aadhaar")}
    for run in re.findall(r"(?<!\d)\d{12}(?!\d)", text):
        if run in numbers:
            violation("a raw Aadhaar number was sent: ..." + run[-4:])


def authenticate(root, body, header):
    """Returns the refusal of the request, or None when it may be answered."""
    key = CONFIG["api_key"].encode()
    if "hmac" not in SLOPPY:
        expected = base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode()
        if not header or not hmac.compare_digest(header.strip(), expected):
            return "401"
    required = ["ver", "ts", "txn", "orgId", "keyhash"]
    if "format" not in SLOPPY:
        required.append("format")
    for name in required:
        if not attr(root, name):
            return "the %s attribute is mandatory" % name
    if attr(root, "orgId") != CONFIG["org_id"]:
        return "unknown orgId"
    ts = attr(root, "ts")
    if "keyhash" not in SLOPPY:
        expected = hashlib.sha256(key + ts.encode()).hexdigest()
        if attr(root, "keyhash").lower() != expected:
            return "keyhash does not match"
    if "ts" not in SLOPPY:
        sent = parse_ts(ts)
        now = datetime.datetime.now(datetime.timezone.utc)
        if sent is None or abs((now - sent).total_seconds()) > 1800:
            return "ts is malformed or more than 30 minutes away"
    if "format" not in SLOPPY and attr(root, "format") not in ("xml", "pdf", "both"):
        return "format must be xml, pdf or both"
    if "replay" not in SLOPPY:
        with LOCK:
            if attr(root, "txn") in STATE["txns"]:
                return "txn was already used"
            STATE["txns"].add(attr(root, "txn"))
    return None


def find_record(details):
    doc_type = child_text(details, "DocType")
    reserved = {"doctype", "digilockerid", "uid", "fullname", "dob", "photo"}
    fields = {local(c.tag): (c.text or "").strip() for c in details if local(c.tag).lower() not in reserved}
    uid = child_text(details, "UID")
    for record in CONFIG["records"]:
        if record["doc_type"].lower() != (doc_type or "").lower():
            continue
        if fields and all(record["fields"].get(k, "").lower() == v.lower() for k, v in fields.items()):
            return record, uid
        if not fields and uid and hashlib.md5(record.get("aadhaar", "").encode()).hexdigest() == uid:
            return record, uid
    return None, uid


def check_details(details):
    """The DocDetails refusal, or None."""
    doc_type = child_text(details, "DocType")
    if not doc_type:
        return "DocType is mandatory"
    if len(child_text(details, "DigiLockerId") or "") != 36:
        return "DigiLockerId must be the 36-character id of the user"
    uid = child_text(details, "UID")
    if uid is not None and not re.fullmatch(r"[0-9a-f]{32}", uid):
        violation("UID is not the lowercase hex MD5 of an Aadhaar number")
        return "UID must be the MD5 hash of the Aadhaar number"
    return None


def answer(root):
    """(status, message, record) for a request that passed authentication."""
    details = next((c for c in root if local(c.tag) == "DocDetails"), None)
    if details is None:
        return "0", "DocDetails is mandatory", None
    refusal = check_details(details)
    if refusal:
        return "0", refusal, None
    record, uid = find_record(details)
    if record is None:
        return "0", "no record matches", None
    if uid and record.get("aadhaar") and hashlib.md5(record["aadhaar"].encode()).hexdigest() != uid:
        return "0", "the record is not linked to this Aadhaar number", None
    if CONFIG["doc_types"].get(record["doc_type"], {}).get("check_name"):
        full_name = child_text(details, "FullName")
        if not full_name:
            return "0", "FullName is required for this document type", None
        if all(normal_name(full_name) != normal_name(p["name"]) for p in record["persons"]):
            return "0", "the name does not match the certificate", None
    return "1", None, record


def response_xml(root, status, message, record, mode):
    ts, txn = attr(root, "ts") or "", attr(root, "txn") or ""
    if mode == "unechoed_txn":
        txn = txn + "0"
    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
             '<PullURIResponse xmlns:ns2="http://tempuri.org/">',
             '<ResponseStatus Status="%s" ts=%s txn=%s>%s</ResponseStatus>' % (status, quoteattr(ts), quoteattr(txn), status)]
    if message:
        parts.append("<ResponseMessage>%s</ResponseMessage>" % escape(message))
    if record is not None:
        fmt = attr(root, "format") or "xml"
        uri = record["uri"]
        if mode == "wrong_uri":
            uri = uri[:-1] + "Z"
        elif mode == "foreign_uri":
            uri = "other.gov.in-" + uri.split("-", 1)[1]
        persons = "".join(
            "<Person name=%s dob=%s gender=%s phone=%s/>" % tuple(quoteattr(p.get(k, "")) for k in ("name", "dob", "gender", "phone"))
            for p in record["persons"])
        parts.append("<DocDetails><IssuedTo><Persons>%s</Persons></IssuedTo><URI>%s</URI>" % (persons, escape(uri)))
        if fmt in ("pdf", "both"):
            pdf = record["pdf_b64"] if mode != "not_pdf" else base64.b64encode(b"<html>not a pdf</html>").decode()
            parts.append("<DocContent>%s</DocContent>" % pdf)
        parts.append("<DataContent>%s</DataContent>" % base64.b64encode(record["data_xml"].encode()).decode())
        if mode == "oversized":
            parts.append("<Padding>%s</Padding>" % ("A" * (65 * 1024 * 1024)))
        parts.append("</DocDetails>")
    parts.append("</PullURIResponse>")
    return "".join(parts).encode()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, code, body, content_type="application/xml"):
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with LOCK:
            if self.path == "/violations":
                return self.send(200, json.dumps(STATE["violations"]).encode(), "application/json")
            if self.path == "/requests":
                return self.send(200, json.dumps(STATE["requests"]).encode(), "application/json")
        self.send(404, b"<Error>not found</Error>")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/mode":
            STATE["mode"] = body.decode().strip()
            return self.send(200, b"ok", "text/plain")
        check_raw_aadhaar(body + str(self.headers).encode())
        with LOCK:
            STATE["requests"].append(body.decode("utf-8", "replace"))
        if self.path != "/pulluri":
            if "pulldoc" in self.path.lower():
                violation("Pull Doc was called; v1.13 has no Pull Doc")
            return self.send(404, b"<Error>no such API</Error>")
        self.pull_uri(body)

    def pull_uri(self, body):
        mode = STATE["mode"]
        if mode == "slow":
            time.sleep(8)
        if mode == "unauthorized":
            return self.send(401, b"<Error>unauthorized</Error>")
        if mode == "garbage":
            return self.send(200, b"\x00\x01 this is <not xml", "text/plain")
        if not (self.headers.get("Content-Type") or "").startswith("application/xml"):
            return self.send(415, b"<Error>Content-Type must be application/xml</Error>")
        if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
            return self.send(400, b"<Error>DOCTYPE is not accepted</Error>")
        try:
            root = ET.fromstring(body)
        except ET.ParseError as e:
            return self.send(400, ("<Error>%s</Error>" % escape(str(e))).encode())
        refusal = authenticate(root, body, self.headers.get("x-digilocker-hmac"))
        if refusal == "401":
            return self.send(401, b"<Error>x-digilocker-hmac is missing or wrong</Error>")
        if refusal:
            return self.send(200, response_xml(root, "0", refusal, None, mode))
        status, message, record = answer(root)
        self.send(200, response_xml(root, status, message, record, mode))


def main():
    args = sys.argv[1:]
    with open(args[0]) as f:
        CONFIG.update(json.load(f))
    i = 1
    while i < len(args):
        if args[i] == "--sloppy":
            SLOPPY.add(args[i + 1])
            i += 2
        else:
            sys.exit("unknown argument " + args[i])
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
