import { defineConfig } from "vite";

// The explorer page (docs/adr/0017-proof-explorer.md). No @vitejs/plugin-react: the page needs no fast refresh, and
// Vite's own transform compiles TSX with React's automatic runtime.
export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  logLevel: "warn",
  mode: "production",
  // React picks its development build from NODE_ENV, which Vite takes from the environment when set (mocha sets
  // "test"): pin the production build so the page is the same size however it is built.
  define: { "process.env.NODE_ENV": JSON.stringify("production") },
  oxc: { jsx: { runtime: "automatic", importSource: "react", development: false } },
  build: { emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 400, reportCompressedSize: false },
});
