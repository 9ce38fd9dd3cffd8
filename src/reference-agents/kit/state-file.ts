// An agent's state on disk: one JSON file, replaced atomically (write a temporary file, fsync, rename),
// so a crash leaves either the old state or the new one, never half of either.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";

export class StateFile<S> {
  constructor(readonly path: string) {}

  /** The saved state, or `initial()` when there is none yet. */
  load(initial: () => S): S {
    if (!existsSync(this.path)) return initial();
    return JSON.parse(readFileSync(this.path, "utf8")) as S;
  }

  save(state: S): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, JSON.stringify(state));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
  }
}
