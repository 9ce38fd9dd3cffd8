// The SDK lives in packages/sdk (a standalone package, @steward/sdk); this path keeps working for code
// inside the repository.
export * from "../../packages/sdk/src/index.ts";
