/**
 * Kubernetes' rules for names and labels, and IPv4 CIDR notation: one definition each, used by the
 * components' checks and the offline plan. No imports: this layer depends on nothing.
 */

/** An RFC 1123 label (Kubernetes' `IsDNS1123Label`): a namespace or service account name. At most 63 characters. */
export const DNS1123_LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * An RFC 1123 subdomain (Kubernetes' `IsDNS1123Subdomain`): the name of most objects (a StorageClass, a
 * NodePool, a service account). Dot-separated labels, at most 253 characters; no empty label (`a..b`).
 */
export const DNS1123_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

/** The name part of a qualified name or a non-empty label value (Kubernetes' `qualifiedNameFmt`), at most 63 characters. */
const LABEL_NAME = /^(?=.{1,63}$)(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** A label, taint or requirement key (Kubernetes' `IsQualifiedName`): `[prefix/]name`, the prefix a DNS-1123 subdomain. */
export function isQualifiedName(key: string): boolean {
    const slash = key.lastIndexOf("/");
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    return LABEL_NAME.test(key.slice(slash + 1)) && (prefix === undefined || DNS1123_SUBDOMAIN.test(prefix));
}

/** A label value (Kubernetes' `IsValidLabelValue`): empty, or at most 63 letters, digits, `-`, `_`, `.`, alphanumeric at both ends. */
export function isLabelValue(value: string): boolean {
    return value === "" || LABEL_NAME.test(value);
}

/** An IPv4 CIDR block (`10.0.0.0/16`). */
export function isCidr(value: string): boolean {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
    return m !== null && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}
