"""5. Server mode: requests per second over loopback, UpdateAssociationStatus vs moto's own get_parameter.

The server (``AssociationServer``) runs in this process; each round's load comes from a child
process (``python -m benchmarks.server --client URL OPERATION``) sending pre-built awsJson requests
on one keep-alive connection with ``http.client``, so the client's cost is small and does not share
the server's GIL. Every round is bounded by a request count and a time limit. Two rates: what the
client saw (wall clock), and requests per CPU second of the server (robust on a busy machine).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import time
from typing import Any
from urllib.parse import urlsplit

from ._common import LEGACY_DOCUMENT, REGION, Result, check, summary, use_fake_credentials

TARGET = ">= 0.9x"
INSTANCE = "i-0123456789abcdef0"
PARAMETER = "/bench/parameter"
HEADERS = {
    "Content-Type": "application/x-amz-json-1.1",
    # moto routes a request on a bare IP by the credential scope; it does not check signatures.
    "Authorization": (
        f"AWS4-HMAC-SHA256 Credential=testing/20240101/{REGION}/ssm/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0"
    ),
    "X-Amz-Date": "20240101T000000Z",
}


def requests_for(operation: str, tag: str = "") -> list[tuple[str, bytes]]:
    """(X-Amz-Target, body) pairs the client cycles through; ``tag`` makes a round's status messages its own."""
    if operation == "UpdateAssociationStatus":
        return [
            (
                "AmazonSSM.UpdateAssociationStatus",
                json.dumps(
                    {
                        "Name": LEGACY_DOCUMENT,
                        "InstanceId": INSTANCE,
                        "AssociationStatus": {"Date": 1424421071, "Name": "Success", "Message": f"status {tag} {n}"},
                    }
                ).encode(),
            )
            for n in (0, 1)  # alternate: an unchanged status is StatusUnchanged
        ]
    return [("AmazonSSM.GetParameter", json.dumps({"Name": PARAMETER}).encode())]


def client_main(url: str, operation: str, max_requests: int, max_seconds: float, warmup: int = 10) -> None:
    """The child: one bounded round of one operation; prints what it sent and how long it took."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    plan = requests_for(operation, tag=str(os.getpid()))  # a round never repeats the last round's status

    def send(target: str, body: bytes) -> None:
        connection.request("POST", "/", body=body, headers={**HEADERS, "X-Amz-Target": target})
        response = connection.getresponse()
        payload = response.read()
        if response.status != 200:
            raise SystemExit(f"{target}: HTTP {response.status}: {payload[:300]!r}")

    for index in range(warmup):  # fail early on a wrong request; open the keep-alive connection
        send(*plan[index % len(plan)])
    sent = 0
    started = time.perf_counter()
    deadline = started + max_seconds
    while sent < max_requests and time.perf_counter() < deadline:
        send(*plan[sent % len(plan)])
        sent += 1
    elapsed = time.perf_counter() - started
    connection.close()
    print(json.dumps({"sent": sent, "seconds": elapsed, "total": sent + warmup}))


def load_round(url: str, operation: str, max_requests: int, max_seconds: float) -> tuple[float, float]:
    """(requests per second the client saw, requests per second of server CPU) for one round.

    The server's threads are this process's only busy threads during the round (the main thread
    waits on the child), so this process's CPU time over the round is the server's.
    """
    command = [sys.executable, "-m", "benchmarks.server", "--client", url, operation]
    command += ["--max-requests", str(max_requests), "--max-seconds", str(max_seconds)]
    cpu_before = time.process_time()
    child = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    cpu = time.process_time() - cpu_before
    if child.returncode != 0:
        raise RuntimeError(f"the load client failed: {child.stderr.strip() or child.stdout.strip()}")
    report = json.loads(child.stdout)
    return report["sent"] / report["seconds"], report["total"] / cpu


def run(quick: bool = False) -> list[Result]:
    use_fake_credentials()
    import boto3

    import ssm_assoc_mock
    from ssm_assoc_mock.server import AssociationServer

    rounds, max_requests, max_seconds = (3, 300, 1.5) if quick else (7, 1000, 2.5)
    operations = ["UpdateAssociationStatus", "GetParameter"]
    wall: dict[str, list[float]] = {operation: [] for operation in operations}
    cpu: dict[str, list[float]] = {operation: [] for operation in operations}
    with AssociationServer(port=0) as server:
        ssm_assoc_mock.register_managed_instance(INSTANCE, region_name=REGION)
        client = boto3.client("ssm", region_name=REGION, endpoint_url=server.url)
        client.create_association(Name=LEGACY_DOCUMENT, InstanceId=INSTANCE)
        client.put_parameter(Name=PARAMETER, Value="bench", Type="String")
        for index in range(rounds):
            for operation in operations[index % 2 :] + operations[: index % 2]:
                seen, capacity = load_round(server.url, operation, max_requests, max_seconds)
                wall[operation].append(seen)
                cpu[operation].append(capacity)
    results: list[Result] = []
    for label, rates in (("requests/s", wall), ("requests per server CPU second", cpu)):
        ours = summary(rates["UpdateAssociationStatus"], higher_is_better=True)
        moto = summary(rates["GetParameter"], higher_is_better=True)
        ratio = ours / moto
        notes: dict[str, Any] = {"rounds": rounds, "rates": {k: [round(v) for v in vs] for k, vs in rates.items()}}
        results.append(
            Result(
                "server",
                f"server: UpdateAssociationStatus vs moto get_parameter ({label})",
                f"{ours:,.0f}/s vs {moto:,.0f}/s",
                ratio,
                TARGET,
                check(ratio, TARGET),
                notes,
            )
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--client", metavar="URL", required=True, help="run the load client against URL")
    parser.add_argument("operation", choices=("UpdateAssociationStatus", "GetParameter"))
    parser.add_argument("--max-requests", type=int, default=1000)
    parser.add_argument("--max-seconds", type=float, default=2.0)
    options = parser.parse_args()
    if urlsplit(options.client).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the load client only targets loopback")
    client_main(options.client, options.operation, options.max_requests, options.max_seconds)


if __name__ == "__main__":
    main()
