// The Steward TypeScript SDK: a typed client for the HTTP API v1, its errors, and the decision feed.
export { StewardClient, type ClientOptions, type RetryPolicy, type RequestOptions, type Repeatable } from "./client.ts";
export { StewardError, StewardNetworkError, type FieldProblem } from "./errors.ts";
export { newCursor, pollDecisions, type FeedCursor, type FeedPage, type FeedOptions } from "./feed.ts";
export type * from "./types.ts";
