// The layering, checked by `npm test` (dependency-cruiser): infra/model ← components ← environment ←
// stacks, package, offline, bench, scripts; tests import anything. Nothing imports back up the layers.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
    forbidden: [
        {
            name: "no-cycles",
            comment: "A cycle makes load order matter and layers meaningless.",
            severity: "error",
            from: {},
            to: { circular: true },
        },
        {
            name: "model-is-dependency-free",
            comment: "infra/model holds facts that are not Pulumi: it imports no SDK and no other folder of the project.",
            severity: "error",
            from: { path: "^infra/model/" },
            to: { pathNot: "^infra/model/|^node:|^(path|fs|url|util|crypto)$" },
        },
        {
            name: "library-does-not-import-its-users",
            comment: "The components know nothing of the stacks, the package host, the offline plan, the bench or the tests.",
            severity: "error",
            from: { path: "^infra/" },
            to: { path: "^(stacks|package|offline|bench|scripts|tests|policy-pack)/" },
        },
        {
            name: "components-do-not-import-the-environment",
            comment: "The environment composes the components; a component importing it would invert the layers.",
            severity: "error",
            from: { path: "^infra/", pathNot: "^infra/environment/" },
            to: { path: "^infra/environment/" },
        },
        {
            name: "stacks-do-not-import-tools",
            severity: "error",
            from: { path: "^stacks/" },
            to: { path: "^(package|offline|bench|scripts|tests)/" },
        },
        {
            name: "policy-pack-has-no-provider-sdk",
            comment: "The policy pack runs in its own process with @pulumi/policy only: no provider SDK.",
            severity: "error",
            from: { path: "^policy-pack/" },
            to: { path: "node_modules/@pulumi/(aws|kubernetes|random|eks)/", reachable: true },
        },
    ],
    options: {
        doNotFollow: { path: "node_modules" },
        exclude: { path: "^(dist|examples|reference|policy-pack/bin)/" },
        tsConfig: { fileName: "tsconfig.json" },
        tsPreCompilationDeps: true,
    },
};
