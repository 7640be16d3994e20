"""componentize-py looks for the exported `bench` resource as `Bench` in a top-level module named
`workload` (the WIT interface's name); this re-exports the SDK's."""

from wasmbench import Bench  # noqa: F401
