// The console's build: React + Mantine, bundled into web/dist, which the Steward server serves at `/`.
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Mantine and recharts are large; the charts load only with the page that draws them.
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: false,
  },
  // `vite` (dev) proxies the API to a running Steward.
  server: { proxy: { "/v1": "http://127.0.0.1:4000", "/openapi.json": "http://127.0.0.1:4000" } },
});
