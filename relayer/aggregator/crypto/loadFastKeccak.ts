/** WASM keccak-256 for the aggregator hot path; shared with the dispatcher and the executor node. */
export { loadFastKeccak } from "../../crypto/loadFastKeccak.js";
