"""Run output in S3: the ``stdout`` / ``stderr`` objects each run leaves, and the OutputUrl naming them.

With an ``OutputLocation.S3Location``, SSM Agent uploads each plugin step's output of an
association run to

    <bucket>/<prefix>/<instance-id>/<association-id>/<run-id>/<plugin>/<step>/stdout  (and stderr)

and reports ``<bucket>/<prefix>/<instance-id>/<association-id>/<run-id>`` as the run's OutputUrl.
``OutputFolder`` builds both, so the URL the per-node views report always names the objects.
``<run-id>`` is the run's start time (``2024-10-15T21-22-05.123Z``); ``<plugin>`` is the step's
action without colons (``awsrunShellScript``); ``<step>`` the step's ``id`` (schema 1.2:
``0.awsrunShellScript``), else its name (schema 2.x), else the plugin again.

Objects go to moto's S3 of the association's account (moto finds a bucket another account owns).
A bucket that does not exist, or refuses the object, leaves no object and never fails the run;
the OutputUrl is reported anyway, as the agent reports it whenever a bucket is configured.
"""

from __future__ import annotations

import contextlib
import functools
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

import yaml

from ..documents import DocumentInfo
from ..exceptions import SSMAssociationError
from ..targets import Node
from .room import Room

if TYPE_CHECKING:
    from .associations import Association
    from .runs import Execution, ExecutionTarget

# Outcomes after which a node has output to upload; failed ones have stderr too.
_WITH_STDOUT = ("Success", "Failed", "TimedOut", "Cancelled")
_WITH_STDERR = ("Failed", "TimedOut", "Cancelled")


@dataclass(frozen=True)
class OutputFolder:
    """Where one run on one node writes: the OutputUrl and every object key come from here."""

    bucket: str
    prefix: str  # the key of the run's folder, without a trailing slash

    @property
    def url(self) -> str:
        """The OutputUrl the agent reports: bucket first, no scheme, no plugin/step part."""
        return f"{self.bucket}/{self.prefix}"

    def key(self, plugin: str, step: str, stream: str) -> str:
        return f"{self.prefix}/{plugin}/{step}/{stream}"


def _s3_location(settings: Mapping[str, Any]) -> tuple[str, list[str]] | None:
    """(bucket, key prefix parts) of the association's S3 OutputLocation, or None without one."""
    location = (settings.get("OutputLocation") or {}).get("S3Location") or {}
    bucket = location.get("OutputS3BucketName")
    if not bucket:
        return None
    # The agent joins with Go's path.Join: an empty prefix disappears, extra slashes collapse.
    prefix = [part for part in str(location.get("OutputS3KeyPrefix") or "").split("/") if part and part != "."]
    return str(bucket), prefix


def run_id(execution: Execution) -> str:
    """The agent's run folder name: the run's start, UTC, with dashes for colons (``2024-10-15T21-22-05.123Z``)."""
    created = execution.created
    return created.strftime("%Y-%m-%dT%H-%M-%S.") + f"{created.microsecond // 1000:03d}Z"


def reported_output_url(target: ExecutionTarget) -> dict[str, Any] | None:
    """``InstanceAssociationOutputUrl`` for a node's result, once the run has finished there."""
    url = target.output_url
    return None if url is None else {"S3OutputUrl": {"OutputUrl": url}}


@functools.lru_cache(maxsize=256)
def _steps(content: str) -> tuple[tuple[str, str, str | None], ...]:
    """(plugin, step id, platform the step is limited to or None) for each step of a document's content."""
    try:
        document = json.loads(content)
    except ValueError:
        document = yaml.safe_load(content)
    if not isinstance(document, dict):
        return ()
    steps: list[tuple[str, str, str | None]] = []
    runtime = document.get("runtimeConfig")
    if isinstance(runtime, dict):  # schema 1.2: each plugin's properties are its steps
        for action, config in runtime.items():
            properties = config.get("properties") if isinstance(config, dict) else None
            items: list[Any] = properties if isinstance(properties, list) else [properties]
            for item in items:
                given = item.get("id") if isinstance(item, dict) else None
                steps.append((_clean(action), _clean(str(given or action)), None))
    for step in document.get("mainSteps") or []:
        if isinstance(step, dict) and step.get("action"):
            inputs = step.get("inputs")
            given = (inputs.get("id") if isinstance(inputs, dict) else None) or step.get("name") or step["action"]
            steps.append((_clean(step["action"]), _clean(str(given)), _platform_precondition(step)))
    return tuple(steps)


def _clean(name: str) -> str:
    return name.replace(":", "")


def _platform_precondition(step: Mapping[str, Any]) -> str | None:
    """``precondition: {StringEquals: [platformType, Linux]}``: the step runs on that platform only."""
    precondition = step.get("precondition")
    if isinstance(precondition, dict):
        operands = precondition.get("StringEquals")
        if isinstance(operands, list) and len(operands) == 2 and operands[0] == "platformType":
            return str(operands[1])
    return None


def default_stdout(association_id: str, instance_id: str, status: str) -> str:
    return f"Association {association_id} ran on {instance_id}: {status}\n"


def default_stderr(association_id: str, instance_id: str, status: str) -> str:
    return f"Association {association_id} failed on {instance_id}: {status}\n"


class OutputRoom(Room):
    """Writes a finished run's output to moto's S3."""

    # From the other rooms.
    association_document: Callable[[Association], DocumentInfo | None]
    managed_node: Callable[[str], Node]

    def write_run_output(self, association: Association, execution: Execution) -> None:
        """Upload the output of the nodes this run finished on (once per node), as the agent does."""
        location = _s3_location(association.settings)
        if location is None:  # most associations: nothing to look at
            return
        fresh = [
            target
            for target in execution.targets
            if target.output_url is None and target.status in _WITH_STDOUT and target.resource_type == "ManagedInstance"
        ]
        if not fresh:
            return
        steps = self._document_steps(association)
        if not steps:  # an Automation runbook (its outputs stay in the automation) or a document gone since
            return
        # What every node of the run shares is worked out once: the bucket, the prefix, moto's S3.
        bucket, prefix = location
        s3 = self._s3_backend()
        folder_name = run_id(execution)
        outcome = execution.outcome
        for target in fresh:
            folder = OutputFolder(
                bucket, "/".join([*prefix, target.resource_id, association.association_id, folder_name])
            )
            target.output_url = folder.url
            stdout = outcome.stdout_on(target.resource_id)
            if stdout is None:
                stdout = default_stdout(association.association_id, target.resource_id, target.status)
            objects = {"stdout": stdout}
            if target.status in _WITH_STDERR:
                stderr = outcome.stderr_on(target.resource_id)
                if stderr is None:
                    stderr = default_stderr(association.association_id, target.resource_id, target.status)
                objects["stderr"] = stderr
            platform = self._platform_of(target.resource_id) if any(step[2] for step in steps) else None
            for plugin, step, only_on in steps:
                if only_on is None or platform is None or only_on == platform:
                    for stream, text in objects.items():
                        _put(s3, bucket, folder.key(plugin, step, stream), text)

    def _document_steps(self, association: Association) -> Sequence[tuple[str, str, str | None]]:
        document = self.association_document(association)
        if document is None or document.document_type == "Automation":
            return ()
        return _steps(document.content)

    def _platform_of(self, instance_id: str) -> str | None:
        try:
            return self.managed_node(instance_id).platform_type
        except SSMAssociationError:
            return None

    def _s3_backend(self) -> Any:
        """moto's S3 of the association's account (its buckets are global to the partition)."""
        from moto.s3.models import s3_backends

        try:
            from moto.utilities.utils import get_partition

            partition = get_partition(self.region_name)
        except ImportError:  # moto releases before partitions kept S3 under "global"
            partition = "global"
        return s3_backends[self.account_id][partition]


def _put(s3: Any, bucket: str, key: str, text: str) -> None:
    from moto.s3.exceptions import S3ClientError

    # No such bucket (or it refuses the object): the agent's upload fails, the run does not.
    with contextlib.suppress(S3ClientError):
        s3.put_object(bucket, key, text.encode("utf-8"))
