"""The pytest plugin as a user gets it: loaded by its entry point, fixtures usable with no import.

A user's test file runs in a separate pytest process (``pytester``), so what is checked is
the installed plugin itself, not anything this suite's own conftest sets up.
"""

from __future__ import annotations

from typing import Any

import pytest

USER_TESTS = """
import boto3
from moto import mock_aws


def test_ssm_client_is_mocked(ssm_client):
    assert ssm_client.meta.region_name == "us-east-1"
    assert ssm_client.list_associations()["Associations"] == []


def test_document_instance_and_association(ssm_document, managed_instance, association, ssm_client):
    name = ssm_document({
        "schemaVersion": "2.2",
        "description": "from a fixture",
        "parameters": {"message": {"type": "String", "default": "hi"}},
        "mainSteps": [{"action": "aws:runShellScript", "name": "say", "inputs": {"runCommand": ["echo hi"]}}],
    })
    ec2_id = managed_instance(tags={"Role": "web"})
    registered = managed_instance("mi-0123456789abcdef0", tags={"Role": "web"})
    created = association(Name=name, Targets=[{"Key": "tag:Role", "Values": ["web"]}])

    assert created["Name"] == name
    assert created["Overview"] == {"Status": "Pending", "DetailedStatus": "Creating"}
    assert ec2_id.startswith("i-")
    listed = ssm_client.describe_instance_information()["InstanceInformationList"]
    assert {item["InstanceId"] for item in listed} == {ec2_id, registered}
    effective = ssm_client.describe_effective_instance_associations(InstanceId=registered)["Associations"]
    assert [item["AssociationId"] for item in effective] == [created["AssociationId"]]


def test_legacy_association_on_a_registered_id(managed_instance, association, ssm_client):
    instance_id = managed_instance("i-1234567890abcdef0", platform_type="Windows")
    created = association(Name="AWS-RunPowerShellScript", InstanceId=instance_id,
                          Parameters={"commands": ["Get-Date"]})
    assert created["InstanceId"] == instance_id
    assert created["Status"]["Name"] == "Associated"


@mock_aws
def test_plain_mock_aws_needs_no_import():
    client = boto3.client("ssm", region_name="eu-west-1")
    assert client.list_associations()["Associations"] == []
"""


def test_fixtures_work_in_a_users_test_file_with_no_import_or_conftest(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS)

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")

    result.assert_outcomes(passed=4)


def test_plugin_is_registered_under_its_entry_point_name(pytestconfig: Any) -> None:
    plugin = pytestconfig.pluginmanager.get_plugin("ssm_assoc_mock")
    assert plugin is not None
    assert {"ssm_client", "ssm_document", "managed_instance", "association"} <= set(vars(plugin))
