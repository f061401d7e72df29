// Runs one stack program under mocks and prints {programSeconds, resources, heapMiB} as JSON.
import { runProgram } from "../offline/runner";

const start = process.hrtime.bigint();
runProgram(process.argv[2] ?? "dev").then((p) => {
    const programSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    const heapMiB = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
    console.log(JSON.stringify({ programSeconds, resources: p.resources.length, heapMiB }));
});
