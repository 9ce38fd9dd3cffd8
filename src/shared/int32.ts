// PostgreSQL's `integer` is 32-bit: a bigger whole number from a client must fail validation (400),
// not the insert (500). Every integer a route accepts is bounded by this (or by a smaller limit).
export const INT32_MAX = 2_147_483_647;
