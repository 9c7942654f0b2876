export * from "./enums.js";
export * from "./clauseRef.js";
export * from "./ids.js";
export * from "./configDigest.js";
export * from "./eip712.js";
export * from "./output.js";
export * from "./leaf.js";
export * from "./canonicalJson.js";
