#!/bin/sh
# `npm test`: the whole suite. Runs under scripts/with-node22.sh (Node 22, dependencies installed).
#  1. compile contracts and Solidity tests (and typechain types), then typecheck all TypeScript;
#  2. Solidity tests (unit, fuzz with a fixed seed, invariants) with the function gas snapshots checked
#     (.gas-snapshot; refresh with `npx hardhat test solidity --snapshot` when a change is intended);
#  3. mocha tests (contracts, formats, executor, clauses, gas snapshot of the consumer-facing figures).
set -eu
cd "$(dirname "$0")/.."
hardhat build --quiet
tsc --noEmit -p .
hardhat test solidity --snapshot-check
hardhat test mocha
