/** `npm run gas:snapshot`: rewrites bench/gas-snapshot.json from a fresh deterministic gas run. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runContractGasBench } from "../bench/contractGas.js";

const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../bench/gas-snapshot.json");
const { metrics, units } = await runContractGasBench();
const gasOnly = Object.fromEntries(Object.entries(metrics).filter(([name]) => units[name] === "gas"));
writeFileSync(file, `${JSON.stringify(gasOnly, null, 2)}\n`);
console.log(gasOnly);
