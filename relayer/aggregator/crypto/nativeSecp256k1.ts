/**
 * Signature recovery through libsecp256k1 for the aggregator hot path. The implementation is shared with the
 * dispatcher and the executor node: relayer/crypto/nativeRecoverSigner.ts.
 */
export { createNativeRecoverSigner, tryNativeRecoverSigner } from "../../crypto/nativeRecoverSigner.js";
