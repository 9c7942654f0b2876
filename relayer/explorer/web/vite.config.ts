import { defineConfig } from "vite";

// The explorer page (docs/adr/0017-proof-explorer.md). No @vitejs/plugin-react: the page needs no fast refresh, and
// Vite's own transform compiles TSX with React's automatic runtime.
export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  logLevel: "warn",
  oxc: { jsx: { runtime: "automatic", importSource: "react" } },
  build: { emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 400, reportCompressedSize: false },
});
