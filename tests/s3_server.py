"""A real S3-compatible server for the storage tests: moto in server mode (from PyPI), over HTTP
on a free 127.0.0.1 port, started once per test session. Tests marked `s3` run with
MEDIA_STORAGE=s3 against a bucket of their own on it; nothing of our code is mocked."""

import socket
import uuid
from dataclasses import dataclass

import pytest

S3_ACCESS_KEY = "cma-test-access"
S3_SECRET_KEY = "cma-test-secret"
S3_REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class S3Media:
    endpoint: str
    bucket: str
    client: object

    def env(self) -> dict[str, str]:
        """What a subprocess (web node, worker) needs to use the same bucket."""
        return {
            "MEDIA_STORAGE": "s3",
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_STORAGE_BUCKET_NAME": self.bucket,
            "AWS_ACCESS_KEY_ID": S3_ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": S3_SECRET_KEY,
            "AWS_S3_REGION_NAME": S3_REGION,
        }

    def keys(self, prefix: str = "") -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def write(self, key: str, content: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=content)


@pytest.fixture(scope="session")
def s3_endpoint():
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per S3 request otherwise
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def s3_client(endpoint: str):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=S3_ACCESS_KEY,
        aws_secret_access_key=S3_SECRET_KEY,
        region_name=S3_REGION,
    )


@pytest.fixture
def s3_media(settings, s3_endpoint) -> S3Media:
    """MEDIA_STORAGE=s3 for this test, on a fresh private bucket of the local S3 server."""
    from cma_portal.storage_settings import s3_storage_options

    bucket = f"cma-test-{uuid.uuid4().hex[:12]}"
    client = s3_client(s3_endpoint)
    client.create_bucket(Bucket=bucket)
    media = S3Media(endpoint=s3_endpoint, bucket=bucket, client=client)
    settings.MEDIA_STORAGE = "s3"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3_storage_options(
                bucket_name=bucket,
                endpoint_url=s3_endpoint,
                access_key=S3_ACCESS_KEY,
                secret_key=S3_SECRET_KEY,
                region_name=S3_REGION,
            ),
        },
    }
    return media
