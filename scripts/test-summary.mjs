// A test reporter for scripts/test.mjs: writes the counts of Node's end-of-run summary (tests, pass,
// fail, ...) as JSON, with the process's peak resident memory (`maxRssKiB`). A process that exits without
// writing them did not finish its tests.
const COUNT = /^(tests|suites|pass|fail|cancelled|skipped|todo) (\d+)$/;

export default async function* summary(source) {
    const counts = {};
    for await (const event of source) {
        if (event.type !== "test:diagnostic" || event.data.nesting !== 0) continue;
        const m = COUNT.exec(event.data.message);
        if (m) counts[m[1]] = Number(m[2]);
    }
    if ("tests" in counts) yield JSON.stringify({ ...counts, maxRssKiB: process.resourceUsage().maxRSS });
}
