#!/usr/bin/env bash
# Runs every test, including the slow ones (real Fashion-MNIST accuracy, multi-process, large transfers).
# Needs the dataset: apt-get install -y dataset-fashion-mnist (done by .ci/run).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec mvn -B verify -Ddescent.test.excludedGroups=none "$@"
