"""Evidence files and issued reports in a bucket of an S3-compatible object store.

moto's server stands in for the store (MinIO, Ceph, a cloud's) on a loopback port, so
django-storages reaches it over HTTP at an endpoint URL, as it reaches a real one.
"""

import itertools
import sqlite3
from contextlib import closing
from pathlib import PurePath

import boto3
import pytest
from moto.server import ThreadedMotoServer

from assessments.lifecycle import State
from assessments.models import Evidence, IssuedReport, Role
from assessments.services import answers as answer_service
from assessments.services import issuing
from assessments.services.answers import add_uploaded_evidence
from bench.servers import free_port, gunicorn, production_env
from cmmrm.storage import s3_storage
from tests.review_support import LEVEL_ONE, answer, set_state
from tests.server_support import Browser
from tests.views_support import PDF, finish, log_in, pdf_upload, url

pytestmark = pytest.mark.usefixtures("fast_passwords")

REGION = "us-east-1"
# moto takes any keys; the app must send them as it would to a real store.
KEYS = {"access_key": "cmmrm-test", "secret_key": "cmmrm-test-secret"}
buckets = itertools.count(1)
SHARED_TITLE = "两台服务器共用的证据"


@pytest.fixture(scope="module")
def endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(endpoint):
    """A new, empty bucket for each test, and a client to look into it."""
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    name = f"cmmrm-evidence-{next(buckets)}"
    client.create_bucket(Bucket=name)
    return client, name


@pytest.fixture
def in_bucket(settings, endpoint, bucket):
    """The app keeps its files in the bucket, configured as production does."""
    _client, name = bucket
    storage = s3_storage(name, endpoint, REGION, **KEYS)
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    return bucket


def stored_objects(bucket) -> dict[str, bytes]:
    client, name = bucket
    listing = client.list_objects_v2(Bucket=name).get("Contents", [])
    return {
        item["Key"]: client.get_object(Bucket=name, Key=item["Key"])["Body"].read()
        for item in listing
    }


def body_of(response) -> bytes:
    body = b"".join(response.streaming_content)
    finish(response)
    return body


def test_an_uploaded_file_is_a_private_object_under_a_random_name(
    client, organization, in_bucket
):
    log_in(client, organization, Role.ASSESSOR)
    form = {"title": "风险管理制度", "kind": "file", "file": pdf_upload("制度.pdf")}

    response = client.post(url("library", organization.slug), form)

    assert response.status_code == 302
    item = Evidence.objects.get()
    objects = stored_objects(in_bucket)
    assert list(objects) == [item.file.name]
    assert objects[item.file.name] == PDF
    stored = PurePath(item.file.name)
    assert stored.parent.as_posix() == f"evidence/{organization.pk}"
    assert "制度" not in stored.name and stored.suffix == ".pdf"
    client_s3, name = in_bucket
    grants = client_s3.get_object_acl(Bucket=name, Key=item.file.name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert all("URI" not in grant["Grantee"] for grant in grants), grants


def test_a_stored_file_is_served_from_the_bucket_as_a_download(
    client, organization, other_organization, in_bucket
):
    user = log_in(client, organization, Role.EXECUTIVE)
    item = add_uploaded_evidence(organization.pk, pdf_upload(), "制度", user)

    response = client.get(url("evidence-download", item.pk))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body_of(response) == PDF
    log_in(client, other_organization, Role.ADMIN, username="admin-b")
    assert client.get(url("evidence-download", item.pk)).status_code == 404


def test_an_upload_whose_row_cannot_be_written_leaves_no_object(
    organization, assessor, in_bucket, monkeypatch
):
    def outage(*args, **kwargs):
        raise ConnectionError("the database went away")

    monkeypatch.setattr(answer_service, "record_change", outage)

    with pytest.raises(ConnectionError):
        add_uploaded_evidence(organization.pk, pdf_upload(), "制度", assessor)

    assert not Evidence.objects.exists()
    assert stored_objects(in_bucket) == {}


def test_an_issued_report_is_kept_in_the_bucket_and_served_from_it(
    client, assessment, team, in_bucket, monkeypatch
):
    for code in LEVEL_ONE:
        answer(assessment, code, team[Role.ASSESSOR])
    approved = set_state(assessment, State.APPROVED)
    renders = itertools.count(1)
    monkeypatch.setattr(
        issuing, "html_to_pdf", lambda html: b"%%PDF-1.7 issued %d" % next(renders)
    )
    client.force_login(team[Role.EXECUTIVE])

    first = client.get(url("report", approved.pk), {"lang": "zh"})
    first_body = body_of(first)
    again = client.get(url("report", approved.pk), {"lang": "zh"})

    issued = IssuedReport.objects.get()
    assert stored_objects(in_bucket) == {issued.pdf.name: first_body}
    assert body_of(again) == first_body == b"%PDF-1.7 issued 1"


def test_two_app_servers_share_evidence_files_through_the_bucket(
    endpoint, bucket, static_root, process_database
):
    _client, name = bucket
    storage = {
        "EVIDENCE_STORAGE": "s3",
        "S3_BUCKET": name,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": REGION,
        "S3_ACCESS_KEY": KEYS["access_key"],
        "S3_SECRET_KEY": KEYS["secret_key"],
    }
    env = production_env(process_database["DATABASE_URL"], static_root, **storage)
    browser = Browser()

    with gunicorn(env, workers=1) as first, gunicorn(env, workers=1) as second:
        browser.log_in(first, "demo-assessor", "cmmrm-demo-2023")
        status, _page = browser.upload(
            f"{first}/orgs/demo/evidence/",
            {"title": SHARED_TITLE, "kind": "file"},
            "file",
            "记录.pdf",
            PDF,
        )
        objects = stored_objects(bucket)
        pk = _evidence_titled(SHARED_TITLE, process_database["DATABASE_URL"])
        served = [
            browser.download(f"{server}/evidence/{pk}/download/")
            for server in (second, first)
        ]

    assert status == 200
    assert list(objects.values()) == [PDF]
    assert [(code, body) for code, body, _headers in served] == [(200, PDF)] * 2
    assert all(h["X-Content-Type-Options"] == "nosniff" for *_, h in served)


def _evidence_titled(title: str, database_url: str) -> int:
    # The servers' database is a file of its own, not the test's database.
    path = database_url.removeprefix("sqlite:///")
    with closing(sqlite3.connect(path)) as database:
        query = "SELECT id FROM assessments_evidence WHERE title = ?"
        return database.execute(query, (title,)).fetchone()[0]
