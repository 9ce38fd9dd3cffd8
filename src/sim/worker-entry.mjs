// A worker thread runs TypeScript sources like the main thread does: register tsx, then load the arm.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");
