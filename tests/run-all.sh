#!/usr/bin/env bash
# The one test command, for people and for CI (.ci/run): every server the integration tests
# need is installed and started on loopback (tests/servers/up.sh), then every test project in
# Remediator.sln runs. Ends with one summary line per test project and the totals.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

bash tests/servers/up.sh

mkdir -p TestResults
log=TestResults/run-all.log

echo "[tests] building Remediator.sln"
if ! dotnet build Remediator.sln --nologo -v:q -clp:ErrorsOnly; then
  echo "RESULT: FAILED (the build failed; errors above)"
  exit 1
fi

# One test project at a time (-m:1): the integration tests stop and start the shared RabbitMQ,
# which must not pull the broker from under another project's tests; it also keeps each
# project's output in one piece.
echo "[tests] running every test project"
set +e
dotnet test Remediator.sln --no-build --nologo -m:1 --logger "console;verbosity=normal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

echo
echo "================================ test summary ================================"
# The console logger prints, per test project: "Test run for <dll>", "Test Run Successful." or
# "Test Run Failed.", then "Total tests: N" and "Passed: / Failed: / Skipped: N" (zeros omitted);
# a project without tests prints "No test is available in <dll>" instead.
awk -v totals=TestResults/totals.txt '
  function flush() {
    if (project == "") return
    printf "%-9s %-36s total %4d  passed %4d  failed %4d  skipped %4d\n", outcome, project, t, p, f, s
    total += t; passed += p; failed += f; skipped += s
    project = ""
  }
  /^Test run for / {
    flush()
    project = $4; sub(/.*\//, "", project); sub(/\.dll$/, "", project)
    outcome = "NO-RESULT"; t = p = f = s = 0
  }
  /^No test is available in / { outcome = "NO-TESTS" }
  /^Test Run Successful\./ { outcome = "PASSED" }
  /^Test Run (Failed|Aborted)\./ { outcome = "FAILED" }
  /^Total tests: / { t = $3 }
  /^ +Passed: [0-9]+$/ { p = $2 }
  /^ +Failed: [0-9]+$/ { f = $2 }
  /^ +Skipped: [0-9]+$/ { s = $2 }
  END {
    flush()
    # The closing line, in the plain "N passed, N failed, N skipped" form CI and people read.
    printf "Tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped > totals
  }
' "$log"
if ((status == 0)); then
  echo "RESULT: all test projects passed"
else
  echo "RESULT: FAILED (dotnet test exit code $status; full output in $log)"
fi
cat TestResults/totals.txt
exit "$status"
