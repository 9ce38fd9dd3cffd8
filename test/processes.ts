// Steward (or a yardstick server) in a process of its own: for load from outside (bench) and for
// several server processes sharing one database (tests).
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");

export interface Child {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `node <args>` and resolves with the URL it prints ("listening on http://..." or "listening http://..."). */
export function startChild(args: string[], env: Record<string, string> = {}): Promise<Child> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`child did not start: ${out}${err}`)), 60_000);
    child.stderr!.on("data", (d) => (err += d));
    child.stdout!.on("data", (d) => {
      out += d;
      const m = out.match(/listening (?:on )?(http:\/\/[^\s]+)/);
      if (m) {
        clearTimeout(timer);
        resolvePromise({
          url: m[1]!,
          process: child,
          stop: () => new Promise((r) => { child.once("exit", () => r()); child.kill("SIGTERM"); }),
        });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited with ${code}: ${out}${err}`));
    });
  });
}
