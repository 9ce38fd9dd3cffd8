// Tables owned by src/auth beyond users and tokens (src/store/schema.ts). Part of the one Database interface.

/** Failed password checks under one key (`user:<username>` or `address:<ip>`), forgotten when old. */
export interface AuthFailuresTable {
  key: string;
  failures: number;
  last_failed_at: string;
  /** Until when further attempts under this key are refused without checking the password. */
  blocked_until: string | null;
}

export interface AuthTables {
  auth_failures: AuthFailuresTable;
}
