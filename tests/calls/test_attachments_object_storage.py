"""Attachments on an S3-compatible object storage (STORAGE_BACKEND=s3 through django-storages): stored under
the private prefix of the bucket, read back only through the permission-checked view, never given a URL.
The object storage is moto's S3 server on loopback."""

from __future__ import annotations

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.server import ThreadedMotoServer

from tests.calls.test_apply_services import PDF
from tests.core.processes import free_port
from tierslieux.core.storage import private_storage

pytestmark = pytest.mark.django_db
BUCKET = "tierslieux-test"


@pytest.fixture
def object_storage(settings, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "test")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{server._port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                          aws_secret_access_key="test")  # fmt: skip
    client.create_bucket(Bucket=BUCKET)
    options = {
        "bucket_name": BUCKET, "endpoint_url": endpoint, "region_name": "us-east-1", "access_key": "test",
        "secret_key": "test", "default_acl": "private", "querystring_auth": True, "file_overwrite": False,
        "location": "private",
    }  # fmt: skip
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
    }
    yield client
    server.stop()


def test_an_attachment_goes_to_the_bucket_and_comes_back_only_through_the_view(
    object_storage, client_for, draft, applicant, applicant_b
):
    client = client_for(applicant)
    response = client.post(
        reverse("calls:attachment_upload", args=[draft.pk]),
        {"title": "Statuts", "file": SimpleUploadedFile("statuts.pdf", PDF)},
    )
    assert response.status_code == 302
    attachment = draft.attachments.get(original_name="statuts.pdf")
    keys = [o["Key"] for o in object_storage.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [f"private/{attachment.file.name}"]
    assert object_storage.get_object(Bucket=BUCKET, Key=keys[0])["Body"].read() == PDF

    download = client.get(reverse("calls:attachment", args=[draft.pk, attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert (
        client_for(applicant_b).get(reverse("calls:attachment", args=[draft.pk, attachment.pk])).status_code
        == 404
    )
    with pytest.raises(ValueError, match="no URL"):
        private_storage.url(attachment.file.name)
