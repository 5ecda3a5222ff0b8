"""Uploads: the size limit holds before the body is read (413, French page), files are checked by content
and structure, and the optional antivirus speaks clamd's INSTREAM protocol (to a server on loopback that this
test runs)."""

from __future__ import annotations

import os
import socket
import struct
import tempfile
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.calls.test_apply_services import PDF
from tests.factories.files import jpeg_bytes, png_bytes
from tierslieux.calls import filetypes, services

pytestmark = pytest.mark.django_db

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class FakeClamd:
    """A clamd on loopback: answers INSTREAM like the real daemon ("stream: OK" or "... FOUND")."""

    def __init__(self, family=socket.AF_INET, path: str | None = None):
        self.received: list[bytes] = []
        self.commands: list[bytes] = []
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        if family == socket.AF_UNIX:
            self.sock.bind(path)
            self.address = path
        else:
            self.sock.bind(("127.0.0.1", 0))
            self.address = f"127.0.0.1:{self.sock.getsockname()[1]}"
        self.sock.listen(4)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read(self, conn, n: int) -> bytes:
        data = b""
        while len(data) < n:
            more = conn.recv(n - len(data))
            if not more:
                raise ConnectionError("closed")
            data += more
        return data

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                command = b""
                while not command.endswith(b"\0"):
                    command += self._read(conn, 1)
                self.commands.append(command)
                content = b""
                while True:
                    (length,) = struct.unpack("!L", self._read(conn, 4))
                    if length == 0:
                        break
                    content += self._read(conn, length)
                self.received.append(content)
                answer = b"stream: Eicar-Test-Signature FOUND\0" if EICAR in content else b"stream: OK\0"
                conn.sendall(answer)

    def close(self):
        self.sock.close()


@pytest.fixture
def clamd(settings):
    server = FakeClamd()
    settings.CLAMAV_SOCKET = server.address
    yield server
    server.close()


def test_a_clean_file_is_streamed_to_clamd_and_stored(clamd, draft, applicant):
    attachment = services.attachment_add(
        application=draft, user=applicant, upload=SimpleUploadedFile("statuts.pdf", PDF), title="Statuts"
    )
    assert attachment.pk and clamd.commands == [b"zINSTREAM\0"] and clamd.received == [PDF]


def test_an_infected_file_is_refused_and_not_stored(clamd, draft, applicant):
    infected = PDF + b"\n%" + EICAR + b"\n"
    with pytest.raises(services.ServiceError, match="refusé par l’antivirus"):
        services.attachment_add(
            application=draft, user=applicant, upload=SimpleUploadedFile("a.pdf", infected)
        )
    assert clamd.received == [infected] and not draft.attachments.exists()


def test_a_unix_socket_clamd_is_used_too(settings, draft, applicant):
    path = os.path.join(tempfile.mkdtemp(), "clamd.ctl")
    server = FakeClamd(socket.AF_UNIX, path)
    settings.CLAMAV_SOCKET = path
    try:
        services.attachment_add(
            application=draft, user=applicant, upload=SimpleUploadedFile("p.png", png_bytes())
        )
    finally:
        server.close()
    assert server.received == [png_bytes()]


def test_an_unreachable_clamd_refuses_the_upload(settings, draft, applicant):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.CLAMAV_SOCKET = f"127.0.0.1:{port}"  # nothing listens there
    with pytest.raises(services.ServiceError, match="n’a pas pu être vérifié"):
        services.attachment_add(application=draft, user=applicant, upload=SimpleUploadedFile("a.pdf", PDF))
    assert not draft.attachments.exists()


def test_without_clamav_socket_no_scan_is_attempted(settings, draft, applicant):
    settings.CLAMAV_SOCKET = ""
    assert services.attachment_add(application=draft, user=applicant, upload=SimpleUploadedFile("a.pdf", PDF))


@pytest.mark.parametrize(
    ("content", "kind"),
    [(PDF, "pdf"), (png_bytes(), "png"), (jpeg_bytes(), "jpeg")],
)
def test_real_files_are_recognised(content, kind):
    import io

    assert filetypes.sniff(io.BytesIO(content)) == kind


def test_a_pdf_header_followed_by_html_is_refused():
    import io

    polyglot = b"%PDF-1.7\n<!DOCTYPE html><html><script>alert(1)</script></html>\n" + PDF
    assert filetypes.sniff(io.BytesIO(polyglot)) is None


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_body_over_the_limit_is_refused_before_it_is_read(draft, applicant, settings):
    """The declared length is over the limit and the body is not even there: reading it would fail, so a 413
    proves nothing read it (not the CSRF check, not the view)."""
    response = _signed_in(applicant).generic(
        "POST",
        reverse("calls:attachment_upload", args=[draft.pk]),
        data=b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(settings.UPLOAD_MAX_REQUEST_SIZE + 1),
    )
    assert response.status_code == 413
    assert "Envoi trop volumineux" in response.content.decode() and "rien n’a été enregistré" in (
        response.content.decode()
    )
    assert not draft.attachments.exists()


def test_a_file_over_the_limit_is_stopped_while_it_streams(draft, applicant, settings):
    settings.UPLOAD_MAX_FILE_SIZE = 64 * 1024
    settings.UPLOAD_MAX_REQUEST_SIZE = 10 * 1024 * 1024
    big = SimpleUploadedFile("gros.pdf", PDF + b"%" + b"0" * (128 * 1024))
    response = _signed_in(applicant).post(
        reverse("calls:attachment_upload", args=[draft.pk]), {"title": "Gros", "file": big}
    )
    assert response.status_code == 413
    assert "Envoi trop volumineux" in response.content.decode()
    assert not draft.attachments.exists()


def test_a_file_over_the_limit_is_stopped_while_the_csrf_check_reads_it(draft, applicant, settings):
    """In a browser the CSRF middleware reads the POST data before the view: the stop still answers 413."""
    settings.UPLOAD_MAX_FILE_SIZE = 64 * 1024
    settings.UPLOAD_MAX_REQUEST_SIZE = 10 * 1024 * 1024
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant)
    page = client.get(reverse("calls:application_step", args=[draft.pk, 4]))
    token = page.cookies["csrftoken"].value
    big = SimpleUploadedFile("gros.pdf", PDF + b"%" + b"0" * (128 * 1024))
    response = client.post(
        reverse("calls:attachment_upload", args=[draft.pk]),
        {"csrfmiddlewaretoken": token, "title": "Gros", "file": big},
    )
    assert response.status_code == 413 and "Envoi trop volumineux" in response.content.decode()
    assert not draft.attachments.exists()
