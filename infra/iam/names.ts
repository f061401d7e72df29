/**
 * A physical name unique per account: `<base>-<purpose>-<suffix>`, the base shortened so the whole
 * fits AWS's limit (IAM roles 64, SQS queues 80). The suffix comes from a `random.RandomString`
 * kept in state, so the name is stable across updates.
 */
export function physicalName(base: string, purpose: string, suffix: string, maxLength: number): string {
    const tail = `-${purpose}-${suffix}`;
    const room = maxLength - tail.length;
    if (room < 1) throw new Error(`name part "${tail}" leaves no room within ${maxLength} characters`);
    return `${base.slice(0, room).replace(/[-_]+$/, "")}${tail}`;
}
