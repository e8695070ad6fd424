"""Command line: ``python -m ssm_assoc_mock demo`` (and ``ssm-assoc-mock demo``).

``demo`` runs the AWS CLI reference example for ``aws ssm update-association-status``
in-process under moto and prints the response as the AWS CLI prints it.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Sequence

SEED_INSTANCE_ID = "i-1234567890abcdef0"
SEED_DOCUMENT = "AWS-UpdateSSMAgent"
# The seed page's --association-status "Date=1424421071.939,Name=Pending,Message=...,AdditionalInfo=..."
SEED_STATUS = {
    "Date": 1424421071.939,
    "Name": "Pending",
    "Message": "temp_status_change",
    "AdditionalInfo": "Additional-Config-Needed",
}


def run_demo(out: Any = sys.stdout) -> dict[str, Any]:
    """Register the seed's instance, associate the document, then update the status.

    Returns the raw JSON body of the UpdateAssociationStatus response, printed as the
    AWS CLI prints it (4-space indent, timestamps as epoch seconds).
    """
    import boto3
    from moto import mock_aws

    from . import register_managed_instance

    captured: dict[str, Any] = {}

    def keep_raw_body(http_response: Any, **_: Any) -> None:
        captured["body"] = json.loads(http_response.content or b"{}")

    with mock_aws():
        register_managed_instance(SEED_INSTANCE_ID, region_name="us-east-1")
        client = boto3.client(
            "ssm", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
        )
        client.create_association(Name=SEED_DOCUMENT, InstanceId=SEED_INSTANCE_ID)
        client.meta.events.register("after-call.ssm.UpdateAssociationStatus", keep_raw_body)
        client.update_association_status(Name=SEED_DOCUMENT, InstanceId=SEED_INSTANCE_ID, AssociationStatus=SEED_STATUS)
    print(json.dumps(captured["body"], indent=4), file=out)
    return dict(captured["body"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ssm-assoc-mock", description=__doc__.splitlines()[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="run the seed's update-association-status example in-process and print the result")
    args = parser.parse_args(argv)
    if args.command == "demo":
        run_demo()
    return 0


if __name__ == "__main__":
    sys.exit(main())
