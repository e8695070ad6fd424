"""3. Memory per association in a large store, measured with tracemalloc."""

from __future__ import annotations

import gc
import linecache
import os
import sys
import tracemalloc

from ._common import REGION, Result, check, populate, register_instances, use_fake_credentials

KIB = 1024
BUDGET = 4 * KIB  # bytes per association
TARGET = "<= 1.0x"  # of BUDGET


def run(quick: bool = False) -> list[Result]:
    use_fake_credentials()
    from moto import mock_aws

    import ssm_assoc_mock

    count = 10_000 if quick else 100_000
    with mock_aws():
        backend = ssm_assoc_mock.backend(region_name=REGION)
        warmup = 20
        register_instances(warmup + count)  # managed nodes are not association memory: registered before tracing
        populate(backend, warmup)  # warm caches (documents, the model, compiled patterns) before tracing
        gc.collect()
        tracemalloc.start(1)
        before = tracemalloc.take_snapshot()
        base, _ = tracemalloc.get_traced_memory()
        ids = populate(backend, count, start=warmup)
        gc.collect()
        current, _ = tracemalloc.get_traced_memory()
        after = tracemalloc.take_snapshot()
        tracemalloc.stop()
        # the list of ids populate returns is the benchmark's, not the store's
        per_association = (current - base - sys.getsizeof(ids)) / count
        top = []
        for stat in after.compare_to(before, "lineno")[:8]:
            frame = stat.traceback[0]
            line = linecache.getline(frame.filename, frame.lineno).strip()
            top.append(
                f"{stat.size_diff / count:7.0f} B  {os.path.relpath(frame.filename)}:{frame.lineno}  {line[:70]}"
            )
    kib = per_association / KIB
    ratio = per_association / BUDGET
    return [
        Result(
            "memory",
            f"memory per association at {count:,} (vs a 4 KiB budget)",
            f"{kib:.2f} KiB ({per_association:,.0f} B)",
            ratio,
            TARGET,
            check(ratio, TARGET),
            {"top_allocations_per_association": top},
        )
    ]
