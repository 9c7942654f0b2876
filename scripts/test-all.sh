#!/bin/sh
# `npm test`: the whole suite. Runs under scripts/with-node22.sh (Node 22, dependencies installed).
#  1. compile contracts and Solidity tests (and typechain types) from scratch, then typecheck all TypeScript.
#     Forced: under via-IR, solc's output for a test contract depends on which files share its compilation
#     job, and incremental builds group files differently from a clean one; a full build makes local runs
#     produce exactly the artifacts (and test gas) a fresh CI clone does (docs/adr/0009);
#  2. Solidity tests (unit, fuzz with a fixed seed, invariants) with the function gas snapshots checked
#     (.gas-snapshot; refresh with `npx hardhat test solidity --snapshot` when a change is intended);
#     The explorer page (relayer/explorer/web, browser code) is typechecked with its own tsconfig;
#  3. mocha tests (contracts, formats, executor, clauses, gas snapshot of the consumer-facing figures), the
#     explorer's browser tests among them (they build the page with Vite and drive Debian Chromium).
set -eu
cd "$(dirname "$0")/.."
hardhat build --force --quiet
tsc --noEmit -p .
tsc --noEmit -p relayer/explorer/web
hardhat test solidity --snapshot-check
hardhat test mocha
