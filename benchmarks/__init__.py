"""On-demand benchmarks for ssm_assoc_mock (not part of the pytest suite): ``python -m benchmarks.run``."""
