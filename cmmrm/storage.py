"""Where evidence files and issued reports are kept: a folder, or a bucket of an
S3-compatible object store (MinIO, Ceph, a cloud's object storage)."""

from cmmrm.env import ConfigurationError


def s3_storage(
    bucket: str,
    endpoint_url: str,
    region: str,
    access_key: str,
    secret_key: str,
) -> dict[str, object]:
    """django-storages' S3 backend (the optional requirements/s3.txt) as the app
    uses it: private objects, read only through the app's own views."""
    if not bucket:
        raise ConfigurationError("S3_BUCKET must be set when EVIDENCE_STORAGE=s3")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "access_key": access_key,
            "secret_key": secret_key,
            # No one reaches a file by its bucket URL: the views check membership.
            "default_acl": "private",
            "querystring_auth": True,
            # Stored names are random; a clash must get a new name, never replace.
            "file_overwrite": False,
        },
    }
