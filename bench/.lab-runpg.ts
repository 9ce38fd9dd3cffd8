import { printWithdrawalBench } from "/work/main/bench/withdrawal.ts";
await printWithdrawalBench({ share: Number(process.env.BENCH_SHARE ?? 0.1), databaseUrl: "postgres://postgres@127.0.0.1:5432/postgres" });
