"""``POST /check``: a candidate's record or a training program checked against a qualification, over
HTTP, with the same code and the same report as ``kkni check`` (``kkni_rdf.checks``).

The body is the file ``kkni check --file`` reads, by its media type: Turtle, N-Triples or JSON-LD (a
``kkni:CandidateRecord`` / ``kkni:TrainingProgram``), CSV, a JSON list or plain text of unit codes;
or a form (``multipart/form-data``, the page's upload, or ``application/x-www-form-urlencoded``) with
``qualification``, ``units`` (codes) and/or ``record`` (a file), and ``program``. The qualification
comes from ``?qualification=`` (a form field), else from the record itself; it is one of the
qualifications of the store the endpoint serves, under its base (``Endpoint.catalogue``).

Limits: the body is at most the endpoint's query size (``--max-query-bytes``, 413 past it) and its
nesting (brackets, braces, parentheses) at most ``MAX_DEPTH`` deep (400). A file that cannot be read
is a 400 with its ``line`` and ``column``, as ``kkni check`` reports it.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

from kkni_rdf.checks.candidate import read_input, run_check
from kkni_rdf.checks.catalogue import Catalogue, CheckError
from kkni_rdf.endpoint import errors
from kkni_rdf.endpoint.errors import Outcome
from kkni_rdf.files import WriteFailed, write_bytes

MAX_DEPTH = 64
#: The file name a body is read as, by its media type (``kkni check --file`` tells formats by suffix).
SUFFIXES = {
    "text/turtle": ".ttl",
    "application/x-turtle": ".ttl",
    "application/n-triples": ".nt",
    "application/ld+json": ".jsonld",
    "application/json": ".json",
    "text/csv": ".csv",
    "text/plain": ".txt",
}
FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")
_NAME_SUFFIX = re.compile(r"\.(ttl|nt|jsonld|json|csv|txt)$", re.IGNORECASE)


@dataclass
class Submission:
    """What a POST asks: the file (its bytes and suffix) or the codes, the qualification, program or record."""

    data: bytes = b""
    suffix: str = ".txt"
    qualification: str | None = None
    program: bool = False
    fields: dict[str, str] = field(default_factory=dict)


def bad_input(message: str, pesan: str, line: int | None = None, column: int | None = None) -> Outcome:
    extra: dict[str, object] = {"line": line, "column": column} if line is not None else {}
    return errors.error(400, "bad input", message, pesan, **extra)


def nesting_depth(text: str) -> int:
    """How deep ``[``/``{``/``(`` nest in ``text``, outside strings, IRIs and comments (Turtle and JSON alike)."""
    depth = deepest = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            long = text.startswith(c * 3, i)
            end = text.find(c * 3, i + 3) if long else i + 1
            if not long:
                while end < n and text[end] != c:
                    end += 2 if text[end] == "\\" else 1
            i = (end + (3 if long else 1)) if end >= 0 else n
            continue
        if c == "<" and (m := re.match(r"<[^<>\"{}|^`\\\s]*>", text[i:])):
            i += len(m[0])
            continue
        if c == "#" and (i == 0 or text[i - 1] in " \t\r\n;,.[](){}"):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if c in "[{(":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]})":
            depth = max(0, depth - 1)
        i += 1
    return deepest


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def read_form(media: str, content_type: str, body: bytes) -> Submission | Outcome:
    """A form's fields: ``qualification``, ``units`` (text), ``record`` (an uploaded file), ``program``."""
    fields: dict[str, str] = {}
    upload: tuple[bytes, str] | None = None
    if media == "multipart/form-data":
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
        )
        if not message.is_multipart():
            return bad_input(
                "The form could not be read (multipart/form-data without parts).",
                "Formulir tidak dapat dibaca (multipart/form-data tanpa bagian).",
            )
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            raw = part.get_payload(decode=True)
            payload = raw if isinstance(raw, bytes) else b""
            filename = part.get_filename()
            if name == "record" and filename:
                if payload:
                    upload = (
                        payload,
                        (m[0].lower() if (m := _NAME_SUFFIX.search(filename)) else SUFFIXES.get(part.get_content_type(), ".txt")),
                    )
            elif isinstance(name, str):
                fields[name] = payload.decode("utf-8", errors="replace")
    else:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return bad_input("The form is not UTF-8.", "Formulir bukan UTF-8.")
        fields = {k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()}
    submission = Submission(qualification=fields.get("qualification") or None, program=_truthy(fields.get("program")), fields=fields)
    if upload is not None:
        submission.data, submission.suffix = upload
    else:
        submission.data, submission.suffix = fields.get("units", "").encode("utf-8"), ".txt"
    return submission


def read_json(body: bytes) -> Submission | Outcome:
    """A JSON body: ``{"qualification": …, "units": [...] or "codes, …", "program": false}``, or a list of codes.
    What cannot be read as JSON is left to ``run``, which says where (line, column), as ``kkni check`` does."""
    submission = Submission(body, ".json")
    try:
        text = body.decode("utf-8")
        if nesting_depth(text) > MAX_DEPTH:
            return submission  # ``run`` refuses it, before any parser sees it
        data = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return submission
    if not isinstance(data, dict) or "@context" in data:
        return submission
    qualification, program = data.get("qualification"), data.get("program", False)
    if qualification is not None and not isinstance(qualification, str):
        return bad_input(
            '"qualification" must be a string (an IRI or a short id).', '"qualification" harus berupa string (IRI atau id singkat).'
        )
    if not isinstance(program, bool):
        return bad_input('"program" must be true or false.', '"program" harus bernilai true atau false.')
    submission.qualification, submission.program = qualification or None, program
    return submission


def read_query(params: dict[str, str]) -> Submission:
    """``GET /check?qualification=…&units=…&program=…``: a check as a link (the codes separated as in the form)."""
    return Submission(
        data=params.get("units", "").encode("utf-8"),
        qualification=params.get("qualification") or None,
        program=_truthy(params.get("program")),
        fields={"units": params.get("units", "")},
    )


def _cannot_store(reason: str) -> Outcome:
    """503: the server's disk (full, …), not the user's record, stops the check; try later."""
    return errors.error(
        503,
        "cannot store the record",
        f"The server cannot store the record to check it now ({reason}); try again later.",
        f"Server tidak dapat menyimpan catatan untuk diperiksa saat ini ({reason}); coba lagi nanti.",
    )


def run(catalogue: Catalogue, submission: Submission, qualification: str | None, program: bool) -> dict[str, object] | Outcome:
    """The check of a submission against ``catalogue`` (the served store's qualifications, ``Endpoint.catalogue``):
    ``kkni check``'s report (``CheckResult.as_dict``) or a 400."""
    try:
        text = submission.data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return bad_input(f"The record is not UTF-8 text (byte {exc.start}).", f"Catatan bukan teks UTF-8 (byte {exc.start}).")
    if nesting_depth(text) > MAX_DEPTH:
        return bad_input(f"The record nests deeper than {MAX_DEPTH} levels.", f"Catatan bersarang lebih dari {MAX_DEPTH} tingkat.")
    try:
        scratch = tempfile.TemporaryDirectory(prefix="kkni-check-")
    except OSError as exc:
        return _cannot_store(exc.strerror or str(exc))
    with scratch as folder:
        path = Path(folder) / f"record{submission.suffix}"
        try:
            write_bytes(path, submission.data)
        except WriteFailed as exc:
            return _cannot_store(exc.reason)
        try:
            result = run_check(catalogue, qualification or submission.qualification, read_input(path), program or submission.program)
        except CheckError as exc:
            message, pesan = (str(text).replace(f"{folder}/", "") for text in (exc, exc.pesan))
            return bad_input(message, pesan, exc.line, exc.column)
    return result.as_dict()
