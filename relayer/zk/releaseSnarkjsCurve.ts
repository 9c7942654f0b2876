/**
 * snarkjs builds one BN254 instance with worker threads on first use (`globalThis.curve_bn128`) and keeps it;
 * a process that proved or verified must end it or Node never exits. Safe to call when none was built.
 */
export async function releaseSnarkjsCurve(): Promise<void> {
  const holder = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };
  const curve = holder.curve_bn128;
  if (!curve) return;
  holder.curve_bn128 = null;
  await curve.terminate();
}
