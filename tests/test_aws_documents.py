"""AWS-owned documents through moto's document API: visible in every account and region, read-only.

Automation often reads a document (its parameters, latest version, content) before associating it.
The caller's own documents stay moto's: moto's own tests for them pass with the plugin loaded
(scripts/check_moto_suite.py).
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
import yaml

from ssm_assoc_mock.documents import aws_owned_documents

from .helpers import REGION, collect, command_document, expect_error
from .shapes import assert_output_shape

pytestmark = pytest.mark.usefixtures("reuse_boto3_session")
SHELL = "AWS-RunShellScript"
CATALOGUE = sorted(aws_owned_documents())
OTHER_ACCOUNT = "210987654321"


def create_own(ssm_client: Any, *names: str) -> None:
    for name in names:
        ssm_client.create_document(Name=name, Content=json.dumps(command_document()), DocumentType="Command")


def names(identifiers: list[dict[str, Any]]) -> list[str]:
    return [identifier["Name"] for identifier in identifiers]


def listed(ssm_client: Any, **kwargs: Any) -> list[dict[str, Any]]:
    return assert_output_shape("ListDocuments", ssm_client.list_documents(**kwargs))["DocumentIdentifiers"]  # type: ignore[no-any-return]


def test_describe_shows_the_document_owned_by_amazon_in_each_version_selector(ssm_client: Any) -> None:
    described = [
        assert_output_shape("DescribeDocument", ssm_client.describe_document(Name=SHELL, **version))["Document"]
        for version in ({}, {"DocumentVersion": "$LATEST"}, {"DocumentVersion": "$DEFAULT"}, {"DocumentVersion": "1"})
    ]

    assert all(document == described[0] for document in described)
    document = described[0]
    assert (document["Name"], document["Owner"], document["Status"]) == (SHELL, "Amazon", "Active")
    assert (document["DocumentVersion"], document["LatestVersion"], document["DefaultVersion"]) == ("1", "1", "1")
    assert (document["DocumentType"], document["SchemaVersion"], document["DocumentFormat"]) == (
        "Command",
        "1.2",
        "JSON",
    )
    assert document["PlatformTypes"] == ["Linux", "MacOS"]
    assert "commands" in {parameter["Name"] for parameter in document["Parameters"]}
    expect_error(ssm_client.describe_document, "InvalidDocumentVersion", SHELL, Name=SHELL, DocumentVersion="2")


def test_get_gives_the_content_as_json_or_yaml(ssm_client: Any) -> None:
    as_json = assert_output_shape("GetDocument", ssm_client.get_document(Name=SHELL))
    as_yaml = assert_output_shape(
        "GetDocument", ssm_client.get_document(Name=SHELL, DocumentFormat="YAML", DocumentVersion="$LATEST")
    )
    by_arn = ssm_client.get_document(Name=f"arn:aws:ssm:{REGION}::document/{SHELL}", DocumentVersion="$DEFAULT")

    assert (as_json["DocumentFormat"], as_yaml["DocumentFormat"]) == ("JSON", "YAML")
    content = json.loads(as_json["Content"])
    assert content["schemaVersion"] == "1.2" and "commands" in content["parameters"]
    assert yaml.safe_load(as_yaml["Content"]) == content
    assert by_arn["Content"] == as_json["Content"]
    assert (as_json["Name"], as_json["DocumentVersion"], as_json["DocumentType"]) == (SHELL, "1", "Command")
    expect_error(ssm_client.get_document, "InvalidDocumentVersion", SHELL, Name=SHELL, DocumentVersion="3")
    expect_error(ssm_client.get_document, "InvalidDocumentVersion", "v1", Name=SHELL, VersionName="v1")


def test_every_account_and_region_sees_them(ssm_client: Any) -> None:
    credentials = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn=f"arn:aws:iam::{OTHER_ACCOUNT}:role/reader", RoleSessionName="reader"
    )["Credentials"]
    other = boto3.client(
        "ssm",
        region_name="eu-west-1",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )

    assert other.describe_document(Name="AWS-UpdateSSMAgent")["Document"]["Owner"] == "Amazon"
    assert names(listed(other, Filters=[{"Key": "Owner", "Values": ["Amazon"]}])) == CATALOGUE
    create_own(other, "Reader-Doc")
    assert other.describe_document(Name="Reader-Doc")["Document"]["Owner"] == OTHER_ACCOUNT


def test_list_by_owner(ssm_client: Any) -> None:
    create_own(ssm_client, "Zeta-Doc", "Alpha-Doc")
    amazon = listed(ssm_client, Filters=[{"Key": "Owner", "Values": ["Amazon"]}])

    assert names(amazon) == CATALOGUE
    assert {identifier["Owner"] for identifier in amazon} == {"Amazon"}
    assert names(listed(ssm_client, Filters=[{"Key": "Owner", "Values": ["Self"]}])) == ["Alpha-Doc", "Zeta-Doc"]
    assert names(listed(ssm_client, Filters=[{"Key": "Owner", "Values": ["All"]}])) == sorted(
        [*CATALOGUE, "Alpha-Doc", "Zeta-Doc"]
    )
    # The deprecated filter list (moto rejects it outright), and the other filters beside Owner.
    assert names(listed(ssm_client, DocumentFilterList=[{"key": "Owner", "value": "Amazon"}])) == CATALOGUE
    by_name = [{"Key": "Owner", "Values": ["All"]}, {"Key": "Name", "Values": ["AWS-Run", "Alpha"]}]
    assert names(listed(ssm_client, Filters=by_name)) == [
        "AWS-RunPatchBaseline",
        "AWS-RunPowerShellScript",
        "AWS-RunShellScript",
        "Alpha-Doc",
    ]
    windows = listed(
        ssm_client, Filters=[{"Key": "Owner", "Values": ["Amazon"]}, {"Key": "PlatformTypes", "Values": ["Windows"]}]
    )
    assert SHELL not in names(windows) and all("Windows" in identifier["PlatformTypes"] for identifier in windows)
    automation = listed(
        ssm_client, Filters=[{"Key": "Owner", "Values": ["Amazon"]}, {"Key": "DocumentType", "Values": ["Automation"]}]
    )
    assert {identifier["DocumentType"] for identifier in automation} == {"Automation"} and automation
    # Without an Owner filter the answer stays moto's, the caller's documents (see the README).
    assert names(listed(ssm_client)) == ["Alpha-Doc", "Zeta-Doc"]


def test_list_shows_and_filters_the_platforms_of_your_own_documents(ssm_client: Any) -> None:
    ssm_client.create_document(Name="Shell-Doc", Content=json.dumps(command_document()), DocumentType="Command")
    ssm_client.create_document(
        Name="Either-Doc",
        Content=yaml.safe_dump(command_document(action="aws:runPowerShellScript")),
        DocumentType="Command",
        DocumentFormat="YAML",
    )
    for owner in ("All", "Self"):
        own = [{"Key": "Owner", "Values": [owner]}, {"Key": "Name", "Values": ["Shell-Doc", "Either-Doc"]}]

        platforms = {item["Name"]: item["PlatformTypes"] for item in listed(ssm_client, Filters=own)}
        windows = listed(ssm_client, Filters=[*own, {"Key": "PlatformTypes", "Values": ["Windows"]}])

        # As AWS's own: aws:runShellScript runs on Linux and macOS, aws:runPowerShellScript everywhere.
        assert platforms == {"Either-Doc": ["Windows", "Linux", "MacOS"], "Shell-Doc": ["Linux", "MacOS"]}, owner
        assert names(windows) == ["Either-Doc"], owner
        assert all(item["Tags"] == [] for item in windows), owner


def test_list_pages_across_own_documents_and_the_catalogue(ssm_client: Any) -> None:
    create_own(ssm_client, "Alpha-Doc", "Beta-Doc", "Zeta-Doc")
    owner_all = [{"Key": "Owner", "Values": ["All"]}]

    pages = collect(ssm_client.list_documents, "DocumentIdentifiers", Filters=owner_all, MaxResults=4)

    assert [len(page) for page in pages[:-1]] == [4] * (len(pages) - 1) and 0 < len(pages[-1]) <= 4
    assert [name for page in pages for name in names(page)] == sorted([*CATALOGUE, "Alpha-Doc", "Beta-Doc", "Zeta-Doc"])
    token = ssm_client.list_documents(Filters=owner_all, MaxResults=4)["NextToken"]
    expect_error(
        ssm_client.list_documents,
        "InvalidNextToken",
        Filters=[{"Key": "Owner", "Values": ["Amazon"]}],
        NextToken=token,
    )


def test_list_rejects_an_unknown_key_and_a_second_owner(ssm_client: Any) -> None:
    expect_error(
        ssm_client.list_documents,
        "InvalidFilterKey",
        "Colour",
        Filters=[{"Key": "Owner", "Values": ["Amazon"]}, {"Key": "Colour", "Values": ["blue"]}],
    )
    expect_error(
        ssm_client.list_documents, "ValidationException", Filters=[{"Key": "Owner", "Values": ["Amazon", "Self"]}]
    )


def test_list_document_versions_for_aws_documents_and_your_own(ssm_client: Any) -> None:
    (shell,) = assert_output_shape("ListDocumentVersions", ssm_client.list_document_versions(Name=SHELL))[
        "DocumentVersions"
    ]
    create_own(ssm_client, "Team-Doc")
    ssm_client.update_document(
        Name="Team-Doc",
        Content=json.dumps(command_document({"x": {"type": "String", "default": ""}})),
        DocumentVersion="$LATEST",
    )
    ssm_client.update_document_default_version(Name="Team-Doc", DocumentVersion="2")

    pages = collect(ssm_client.list_document_versions, "DocumentVersions", Name="Team-Doc", MaxResults=1)

    assert (shell["Name"], shell["DocumentVersion"], shell["IsDefaultVersion"], shell["Status"]) == (
        SHELL,
        "1",
        True,
        "Active",
    )
    assert [(version["DocumentVersion"], version["IsDefaultVersion"]) for page in pages for version in page] == [
        ("1", False),
        ("2", True),
    ]
    expect_error(ssm_client.list_document_versions, "InvalidDocument", "No-Such-Doc", Name="No-Such-Doc")


@pytest.mark.parametrize(
    ("operation", "code", "kwargs"),
    [
        ("update_document", "InvalidDocumentOperation", {"Content": "{}", "DocumentVersion": "$LATEST"}),
        ("delete_document", "InvalidDocumentOperation", {}),
        ("update_document_default_version", "InvalidDocument", {"DocumentVersion": "1"}),
        ("modify_document_permission", "InvalidDocument", {"PermissionType": "Share", "AccountIdsToAdd": ["all"]}),
    ],
)
def test_aws_owned_documents_are_read_only(ssm_client: Any, operation: str, code: str, kwargs: dict[str, Any]) -> None:
    expect_error(getattr(ssm_client, operation), code, SHELL, "Amazon", Name=SHELL, **kwargs)

    permission = ssm_client.describe_document_permission(Name=SHELL, PermissionType="Share")
    assert assert_output_shape("DescribeDocumentPermission", permission)["AccountIds"] == []
    assert ssm_client.describe_document(Name=SHELL)["Document"]["LatestVersion"] == "1"


@pytest.mark.parametrize(
    "name", ["AWS-RunShellScript", "AWS-Mine", "aws-mine", "Amazon-Mine", "amznMine", "AWSSupport-Mine"]
)
def test_names_aws_reserves_cannot_be_created(ssm_client: Any, name: str) -> None:
    expect_error(
        ssm_client.create_document,
        "ValidationException",
        f"Invalid document name {name}",
        Name=name,
        Content=json.dumps(command_document()),
        DocumentType="Command",
    )
