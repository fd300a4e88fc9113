"""Media on S3-compatible object storage (django-storages), against moto's S3 server on a loopback port.

Public photos and renditions go to the media bucket with plain URLs a CDN can cache; the editors-only
originals go to a private bucket (or prefix) with short-lived signed URLs. Nothing lands on the app server.
"""
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages

from newsroom.settings.base import s3_storages
from tests import factories
from tests.scaleout.conftest import free_port

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
MEDIA_BUCKET, PRIVATE_BUCKET = "bao-media", "bao-goc"


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server in a thread of this process, on a free loopback port, with the two buckets."""
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="thu", aws_secret_access_key="nghiem",
                              region_name="us-east-1")
        for bucket in (MEDIA_BUCKET, PRIVATE_BUCKET):
            client.create_bucket(Bucket=bucket)
        # As DEPLOY.md says: the media bucket is readable by anyone through a policy; the private one is not.
        client.put_bucket_policy(Bucket=MEDIA_BUCKET, Policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                           "Resource": f"arn:aws:s3:::{MEDIA_BUCKET}/media/*"}],
        }))
        yield endpoint, client
    finally:
        server.stop()


def s3_env(endpoint, **extra):
    return {
        "AWS_STORAGE_BUCKET_NAME": MEDIA_BUCKET, "AWS_PRIVATE_STORAGE_BUCKET_NAME": PRIVATE_BUCKET,
        "AWS_S3_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "thu", "AWS_SECRET_ACCESS_KEY": "nghiem",
        "AWS_S3_REGION_NAME": "us-east-1", "AWS_S3_ADDRESSING_STYLE": "path", **extra,
    }


@pytest.fixture
def on_s3(settings, s3_endpoint):
    endpoint, client = s3_endpoint
    env = s3_env(endpoint)
    settings.STORAGES = {**settings.STORAGES, **s3_storages(get=lambda name, default=None: env.get(name, default))}
    return client


def keys(client, bucket):
    return [o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_photo_is_stored_in_the_media_bucket_with_a_plain_url(db, on_s3):
    """A photo saved through the storage API lands in the media bucket under media/, served by an unsigned URL."""
    photo = factories.make_photo(alt_text="Ruộng bậc thang Pác Nặm")
    assert f"media/{photo.image.name}" in keys(on_s3, MEDIA_BUCKET)
    assert "X-Amz-Signature" not in photo.image.url
    assert f"/{MEDIA_BUCKET}/media/photos/" in photo.image.url
    with urllib.request.urlopen(photo.image.url, timeout=10) as response:
        assert response.read(3) == b"\xff\xd8\xff"  # a JPEG, fetched back over HTTP
    assert type(default_storage._wrapped).__name__ == "S3Storage"


def test_original_is_private_and_its_url_signed(db, on_s3):
    """An original upload goes to the private bucket under originals/, without public grants, behind a signed URL."""
    original = storages["originals"]
    name = original.save("2026/11/goc.jpg", ContentFile(factories.jpeg_bytes(64, 48)))
    key = f"originals/{name}"
    assert key in keys(on_s3, PRIVATE_BUCKET)
    assert keys(on_s3, MEDIA_BUCKET) == [] or not any(k.startswith("originals/") for k in keys(on_s3, MEDIA_BUCKET))
    grants = on_s3.get_object_acl(Bucket=PRIVATE_BUCKET, Key=key)["Grants"]
    assert all("AllUsers" not in json.dumps(g) for g in grants)
    url = original.url(name)
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read(3) == b"\xff\xd8\xff"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url.split("?", 1)[0], timeout=10)
    assert refused.value.code == 403


def test_one_bucket_needs_two_prefixes(s3_endpoint):
    """Without a private bucket the originals share the media bucket under their own prefix, never the same one."""
    endpoint, _client = s3_endpoint
    env = s3_env(endpoint, AWS_PRIVATE_STORAGE_BUCKET_NAME="")
    conf = s3_storages(get=lambda name, default=None: env.get(name, default))
    assert conf["originals"]["OPTIONS"]["bucket_name"] == MEDIA_BUCKET
    assert conf["originals"]["OPTIONS"]["location"] == "originals"
    assert conf["default"]["OPTIONS"]["location"] == "media"
    clash = s3_env(endpoint, AWS_PRIVATE_STORAGE_BUCKET_NAME="", AWS_PRIVATE_LOCATION="media")
    with pytest.raises(ImproperlyConfigured):
        s3_storages(get=lambda name, default=None: clash.get(name, default))


def test_environment_switches_every_file_field_to_s3(s3_endpoint):
    """With DJANGO_STORAGE=s3 a fresh process stores photos, renditions and originals on S3, none on disk."""
    endpoint, _client = s3_endpoint
    env = {**os.environ, **s3_env(endpoint), "DJANGO_STORAGE": "s3",
           "DJANGO_SETTINGS_MODULE": "newsroom.settings.dev"}
    env.pop("DATABASE_URL", None)
    script = (
        "import django, json; django.setup()\n"
        "from photos.models import Photo, Rendition\n"
        "fields = [Photo._meta.get_field('image'), Photo._meta.get_field('original'), Rendition._meta.get_field('file')]\n"
        "print(json.dumps([[getattr(f.storage, 'bucket_name', None), getattr(f.storage, 'location', None)]"
        " for f in fields]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    image, original, rendition = json.loads(done.stdout.strip().splitlines()[-1])
    assert image == [MEDIA_BUCKET, "media"]
    assert original == [PRIVATE_BUCKET, "originals"]
    assert rendition == [MEDIA_BUCKET, "media"]
