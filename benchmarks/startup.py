"""4. What the plugin adds to starting and resetting mock_aws: enter/exit with it installed vs uninstalled."""

from __future__ import annotations

from typing import Any, Callable

from ._common import REGION, Case, Result, check, interleaved, summary, us, use_fake_credentials

TARGET = "<= 5%"


def run(quick: bool = False) -> list[Result]:
    use_fake_credentials()
    import boto3
    from moto import mock_aws

    import ssm_assoc_mock

    number, rounds = (30, 5) if quick else (100, 9)
    client = boto3.client("ssm", region_name=REGION)  # made once: client creation is not mock_aws's cost

    def bare() -> None:
        with mock_aws():
            pass

    def with_ssm_call() -> None:  # moto's SSM backend exists, so the reset on the next start has work to do
        with mock_aws():
            client.put_parameter(Name="bench", Value="1", Type="String")

    def plugin(installed: bool) -> Callable[[int], None]:
        def prepare(_: int) -> None:
            if installed:
                ssm_assoc_mock.install()
            else:
                ssm_assoc_mock.uninstall()

        return prepare

    results: list[Result] = []
    workloads: dict[str, Callable[[], Any]] = {
        "mock_aws enter/exit": bare,
        "mock_aws enter/put_parameter/exit": with_ssm_call,
    }
    for label, workload in workloads.items():
        cases = [
            Case("installed", workload, prepare=plugin(True)),
            Case("uninstalled", workload, prepare=plugin(False)),
        ]
        samples = interleaved(cases, number, rounds, warmup=5)
        with_plugin, without = summary(samples["installed"]), summary(samples["uninstalled"])
        ratio = with_plugin / without
        results.append(
            Result(
                "startup",
                f"{label}: plugin installed vs uninstalled",
                f"{us(with_plugin)} vs {us(without)}",
                ratio,
                TARGET,
                check(ratio, TARGET),
                {"rounds": rounds, "calls_per_round": number},
            )
        )
    ssm_assoc_mock.install()
    return results
