// Tables owned by src/dispatch (dispatch attempts and deliveries). Part of the one Database interface (src/store/schema.ts).
export interface DispatchTables {}
