"""Options of django-storages' S3Storage, read from the environment (AWS_* names, as boto).

Kept out of settings.py (which imports it when MEDIA_STORAGE=s3) so that tests can build the
same options for the bucket of their local S3 server. Imports nothing from Django.
"""

import environ

env = environ.Env()


def s3_storage_options(**overrides) -> dict:
    """Options of django-storages' S3Storage, from the environment (AWS_* names, as boto)."""
    options = {
        "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME", default="cma-portal-media"),
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
        "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        # S3-compatible servers (MinIO, moto, Garage) want path-style addressing.
        "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="path"),
        "signature_version": "s3v4",
        "default_acl": None,  # the bucket's own policy: private
        "querystring_auth": True,
        "querystring_expire": 60,
        # Like the disk: a second file under an existing name gets a suffix, never overwrites.
        "file_overwrite": False,
    }
    options.update(overrides)
    return options
