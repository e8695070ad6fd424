"""Server mode, in this process: moto's server with associations, controls, reset, threads."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from typing import Any, Mapping

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import ssm_assoc_mock
from ssm_assoc_mock.exceptions import AssociationDoesNotExist
from ssm_assoc_mock.seed import EXAMPLE_SEED

from .helpers import INSTANCE

OTHER_ACCOUNT = "111122223333"
RACED_INSTANCE = "i-0ffffffffffffffff"
# One session for every client: creating a session loads botocore's data again.
SESSION = boto3.session.Session()
NO_RETRIES = Config(retries={"max_attempts": 1, "mode": "standard"}, max_pool_connections=20)


@pytest.fixture
def url(served_mock: str) -> str:
    """The shared in-process server (``served_mock``), reset for this test."""
    return served_mock


def call(
    base: str, method: str, path: str, body: Any = None, headers: Mapping[str, str] | None = None
) -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{base}{path}", data=data, method=method, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        raw, status = error.read(), error.code
    return status, json.loads(raw) if raw.strip() else None


def client(base: str, service: str = "ssm", account: str | None = None, region: str = "us-east-1") -> Any:
    made = SESSION.client(
        service,
        endpoint_url=base,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=NO_RETRIES,
    )
    if account is not None:

        def add_account(request: Any, **_: Any) -> None:
            request.headers["x-moto-account-id"] = account

        made.meta.events.register("before-sign", add_account)
    return made


def register(base: str, instance_id: str = INSTANCE, **extra: Any) -> dict[str, Any]:
    status, body = call(base, "POST", "/ssm-assoc-mock/managed-instances", {"InstanceId": instance_id, **extra})
    assert status == 201, body
    return dict(body)


def test_health(url: str) -> None:
    assert call(url, "GET", "/ssm-assoc-mock/health") == (200, {"status": "ok", "associations": True, "seed": None})


def test_moto_services_keep_working(url: str) -> None:
    s3 = client(url, "s3")
    s3.create_bucket(Bucket="still-moto")
    ssm = client(url)
    ssm.put_parameter(Name="/app/colour", Value="blue", Type="String")

    assert [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]] == ["still-moto"]
    assert ssm.get_parameter(Name="/app/colour")["Parameter"]["Value"] == "blue"
    assert call(url, "GET", "/moto-api/data.json")[0] == 200


def test_the_seed_example_over_http(url: str) -> None:
    registered = register(url, Tags={"Env": "prod"}, PlatformType="Linux")
    ssm = client(url)
    created = ssm.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)["AssociationDescription"]

    updated = ssm.update_association_status(
        Name="AWS-UpdateSSMAgent",
        InstanceId=INSTANCE,
        AssociationStatus={"Date": 1424421071.939, "Name": "Pending", "Message": "temp_status_change"},
    )["AssociationDescription"]

    assert registered == {
        "InstanceId": INSTANCE,
        "PlatformType": "Linux",
        "PlatformName": "Amazon Linux",
        "PlatformVersion": "2",
        "ComputerName": f"{INSTANCE}.localdomain",
        "Tags": {"Env": "prod"},
        "ResourceType": "EC2Instance",
        "AccountId": "123456789012",
        "Region": "us-east-1",
    }
    assert updated["AssociationId"] == created["AssociationId"]
    assert updated["Status"]["Name"] == "Pending"
    described = ssm.describe_association(AssociationId=created["AssociationId"])["AssociationDescription"]
    assert described["Status"]["Message"] == "temp_status_change"


def test_moto_api_reset_clears_associations_and_managed_instances(url: str) -> None:
    register(url)
    ssm = client(url)
    association_id = ssm.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)["AssociationDescription"][
        "AssociationId"
    ]
    assert len(ssm.list_associations()["Associations"]) == 1

    assert call(url, "POST", "/moto-api/reset")[0] == 200

    assert ssm.list_associations()["Associations"] == []
    with pytest.raises(ClientError) as raised:
        ssm.describe_association(AssociationId=association_id)
    assert raised.value.response["Error"]["Code"] == AssociationDoesNotExist.code
    assert call(url, "GET", "/ssm-assoc-mock/managed-instances") == (200, {"ManagedInstances": []})
    with pytest.raises(ClientError) as raised:
        ssm.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)
    assert raised.value.response["Error"]["Code"] == "InvalidInstanceId"


def test_account_header_and_region_pick_the_backend(url: str) -> None:
    status, body = call(
        url,
        "POST",
        "/ssm-assoc-mock/managed-instances",
        {"InstanceId": INSTANCE, "Region": "eu-west-1"},
        headers={"x-moto-account-id": OTHER_ACCOUNT},
    )
    assert (status, body["AccountId"], body["Region"]) == (201, OTHER_ACCOUNT, "eu-west-1")
    listed = call(
        url, "GET", "/ssm-assoc-mock/managed-instances?Region=eu-west-1", headers={"x-moto-account-id": OTHER_ACCOUNT}
    )
    assert [item["InstanceId"] for item in listed[1]["ManagedInstances"]] == [INSTANCE]
    assert call(url, "GET", "/ssm-assoc-mock/managed-instances?Region=eu-west-1")[1] == {"ManagedInstances": []}

    other = client(url, account=OTHER_ACCOUNT)
    other_eu = client(url, account=OTHER_ACCOUNT, region="eu-west-1")
    other_eu.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)
    with pytest.raises(ClientError) as raised:
        other.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)
    assert raised.value.response["Error"]["Code"] == "InvalidInstanceId"
    assert client(url).list_associations()["Associations"] == []
    assert len(other_eu.list_associations()["Associations"]) == 1


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "error", "message"),
    [
        ("POST", "/ssm-assoc-mock/managed-instances", b"{not json", 400, "BadRequest", "not valid JSON"),
        ("POST", "/ssm-assoc-mock/managed-instances", b"", 400, "BadRequest", "needs a JSON object body"),
        ("POST", "/ssm-assoc-mock/managed-instances", [INSTANCE], 400, "BadRequest", "must be a JSON object"),
        ("POST", "/ssm-assoc-mock/managed-instances", {}, 400, "BadRequest", "InstanceId is required"),
        ("POST", "/ssm-assoc-mock/managed-instances", {"InstanceId": "web-1"}, 400, "BadRequest", "not an instance id"),
        (
            "POST",
            "/ssm-assoc-mock/managed-instances",
            {"InstanceId": INSTANCE, "PlatformType": "Solaris"},
            400,
            "BadRequest",
            "PlatformType must be one of Windows, Linux, MacOS",
        ),
        (
            "POST",
            "/ssm-assoc-mock/managed-instances",
            {"InstanceId": INSTANCE, "Platform": "Linux"},
            400,
            "BadRequest",
            "Unknown member(s) Platform",
        ),
        (
            "POST",
            "/ssm-assoc-mock/managed-instances",
            {"InstanceId": INSTANCE, "AccountId": "42"},
            400,
            "BadRequest",
            "AccountId must be 12 digits",
        ),
        ("POST", "/ssm-assoc-mock/simulate-run", {}, 400, "BadRequest", "AssociationId is required"),
        (
            "POST",
            "/ssm-assoc-mock/simulate-run",
            {"AssociationId": "11111111-2222-3333-4444-555555555555"},
            400,
            "AssociationDoesNotExist",
            "does not exist",
        ),
        ("GET", "/ssm-assoc-mock/simulate-run", None, 405, "MethodNotAllowed", "accepts POST"),
        ("GET", "/ssm-assoc-mock/nothing-here", None, 404, "NotFound", "POST /ssm-assoc-mock/managed-instances"),
        ("POST", "/ssm-assoc-mock/seed", b"", 400, "BadRequest", "has no seed file"),
        (
            "POST",
            "/ssm-assoc-mock/seed",
            {"associations": [{"Name": "AWS-UpdateSSMAgent", "InstanceId": INSTANCE}]},
            400,
            "InvalidSeed",
            f"request body: associations[0] (AWS-UpdateSSMAgent on {INSTANCE}): InvalidInstanceId",
        ),
    ],
)
def test_control_errors_are_json_with_a_4xx_status(
    url: str, method: str, path: str, body: Any, status: int, error: str, message: str
) -> None:
    got_status, got = call(url, method, path, body)

    assert (got_status, got["error"]) == (status, error), got
    assert message in got["message"]


def test_seed_control_loads_a_posted_seed(url: str) -> None:
    status, body = call(url, "POST", "/ssm-assoc-mock/seed", EXAMPLE_SEED)

    assert status == 201
    assert body["ManagedInstances"] == [f"123456789012/us-east-1/{INSTANCE}"]
    (created,) = body["Associations"]
    described = client(url).describe_association(AssociationId=created["AssociationId"])["AssociationDescription"]
    assert described["InstanceId"] == INSTANCE


def test_simulate_run_control_records_a_run(url: str) -> None:
    register(url)
    ssm = client(url)
    association_id = ssm.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)["AssociationDescription"][
        "AssociationId"
    ]

    status, body = call(
        url, "POST", "/ssm-assoc-mock/simulate-run", {"AssociationId": association_id, "Status": "Failed"}
    )

    assert status == 200, body
    assert body["AssociationId"] == association_id
    described = ssm.describe_association(AssociationId=association_id)["AssociationDescription"]
    assert described["Overview"]["Status"] == "Failed"
    assert "LastExecutionDate" in described


def test_simulate_run_control_passes_account_and_region(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, ...]] = []

    def fake(association_id: str, **options: Any) -> dict[str, Any]:
        calls.append((association_id, options))
        return {"ExecutionId": "e-1"}

    monkeypatch.setattr(ssm_assoc_mock, "simulate_run", fake, raising=False)
    body = {
        "AssociationId": "a-1",
        "InstanceStatuses": {INSTANCE: "Failed"},
        "DetailedStatus": "x",
        "Output": "out",
        "ErrorOutput": {INSTANCE: "err"},
        "Region": "eu-west-1",
    }

    assert call(url, "POST", "/ssm-assoc-mock/simulate-run", body, {"x-moto-account-id": OTHER_ACCOUNT}) == (
        200,
        {"ExecutionId": "e-1"},
    )
    assert calls == [
        (
            "a-1",
            {
                "status": "Success",
                "instance_statuses": {INSTANCE: "Failed"},
                "detailed_status": "x",
                "output": "out",
                "error_output": {INSTANCE: "err"},
                "account_id": OTHER_ACCOUNT,
                "region_name": "eu-west-1",
            },
        )
    ]


def test_concurrent_updates_to_one_association_lose_nothing(url: str) -> None:
    ssm = client(url)
    association_id = ssm.create_association(
        Name="AWS-RunShellScript",
        Targets=[{"Key": "tag:Env", "Values": ["prod"]}],
        Parameters={"commands": ["echo 0"]},
    )["AssociationDescription"]["AssociationId"]
    threads, per_thread = 8, 100
    failures: list[BaseException] = []
    start = threading.Barrier(threads)

    clients = [client(url) for _ in range(threads)]  # made here: client creation is not thread-safe

    def update(worker: int) -> None:
        own = clients[worker]
        start.wait()
        for index in range(per_thread):
            try:
                own.update_association(
                    AssociationId=association_id,
                    Parameters={"commands": [f"echo {worker}-{index}"]},
                    AssociationName=f"worker-{worker}-{index}",
                )
            except BaseException as error:  # every failure counts, whatever it is
                failures.append(error)

    workers = [threading.Thread(target=update, args=(worker,)) for worker in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)

    assert failures == []
    described = ssm.describe_association(AssociationId=association_id)["AssociationDescription"]
    assert described["AssociationVersion"] == str(1 + threads * per_thread)
    versions = ssm.get_paginator("list_association_versions").paginate(AssociationId=association_id).build_full_result()
    numbers = [int(item["AssociationVersion"]) for item in versions["AssociationVersions"]]
    assert sorted(numbers) == list(range(1, 2 + threads * per_thread))
    names = {item.get("AssociationName") for item in versions["AssociationVersions"]} - {None}
    assert len(names) == threads * per_thread


def test_concurrent_creates_never_collide(url: str) -> None:
    for number in range(8):
        register(url, f"i-0{number:016x}")
    threads, per_thread = 8, 15
    created: list[str] = []
    failures: list[BaseException] = []
    outcomes: list[str] = []
    start = threading.Barrier(threads)

    clients = [client(url) for _ in range(threads)]

    def create(worker: int) -> None:
        own = clients[worker]
        start.wait()
        try:  # every thread races for the same legacy pair: exactly one may win
            own.create_association(Name="AWS-UpdateSSMAgent", InstanceId=RACED_INSTANCE)
            outcomes.append("created")
        except ClientError as error:
            outcomes.append(error.response["Error"]["Code"])
        for index in range(per_thread):
            try:
                description = own.create_association(
                    Name="AWS-RunShellScript",
                    AssociationName=f"w{worker}-{index}",
                    Targets=[{"Key": "InstanceIds", "Values": [f"i-0{worker:016x}"]}],
                    Parameters={"commands": ["true"]},
                )["AssociationDescription"]
                created.append(description["AssociationId"])
            except BaseException as error:
                failures.append(error)

    register(url, RACED_INSTANCE)
    workers = [threading.Thread(target=create, args=(worker,)) for worker in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)

    assert failures == []
    assert len(created) == len(set(created)) == threads * per_thread
    assert sorted(outcomes) == ["AssociationAlreadyExists"] * (threads - 1) + ["created"]
    listed = client(url).get_paginator("list_associations").paginate().build_full_result()["Associations"]
    assert len(listed) == threads * per_thread + 1
    assert {item["AssociationId"] for item in listed} >= set(created)
