// Lists the test files for `node --test` (Node 20's runner takes no glob patterns).
import { readdirSync } from "node:fs";
import { join } from "node:path";

const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".test.ts") ? [join(dir, e.name)] : [],
  );
const only = process.argv.slice(2);
console.log(walk("tests").filter((f) => only.length === 0 || only.some((o) => f.includes(o))).sort().join(" "));
