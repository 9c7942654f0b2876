pragma circom 2.1.0;

// Binds a public input into the constraint system. A public input that appears in no constraint is still
// part of the Groth16 statement (snarkjs adds a row per public input), but squaring it keeps that true for
// any prover or setup tool, at one constraint each (the usual Tornado Cash / Semaphore guard).
template BindPublic() {
    signal input in;
    signal square;
    square <== in * in;
}
