#!/bin/bash
# The browser tests (tests/e2e, headless chromium + playwright-core) as part of make check.
set -u
: "${OKO:?}"
exec bash "$(dirname "$0")/../e2e/run.sh"
