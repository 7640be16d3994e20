#!/usr/bin/env bash
# The GitHub Action's last step: fails the job with wasmbench's exit code once the outputs, the
# summary and the report's upload are done.
#
# Environment: WASMBENCH_EXIT_CODE, WASMBENCH_VERDICT (the run step's outputs).
set -euo pipefail

code=${WASMBENCH_EXIT_CODE:-}
verdict=${WASMBENCH_VERDICT:-error}
case $code in
  0) exit 0 ;;
  '' | *[!0-9]*)
    echo "::error title=wasmbench::the run step gave no exit code"
    exit 1
    ;;
esac
echo "::error title=wasmbench::${verdict} (exit code ${code}): see the job summary and the report artifact"
exit "$code"
