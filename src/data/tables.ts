// Tables owned by src/data (event ingestion, HCP state, source latency). Part of the one Database interface (src/store/schema.ts).
export interface DataTables {}
