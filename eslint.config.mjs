// Lint: typescript-eslint's recommended rules on every TypeScript file the project owns.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/", "dist/", "policy-pack/bin/", "policy-pack/node_modules/", "examples/", "reference/", "**/*.d.ts"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        languageOptions: { globals: globals.node },
        rules: {
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
            // `interface XArgs extends XSettings {}` names a type of the package schema (C# sees the name).
            "@typescript-eslint/no-empty-object-type": ["error", { allowInterfaces: "with-single-extends" }],
            // index.ts is a Pulumi program (`export =`), which TypeScript imports as `import x = require(...)`.
            "@typescript-eslint/no-require-imports": ["error", { allowAsImport: true }],
        },
    },
    {
        // Tests and the mock engine read untyped provider inputs and SDK internals: `any` is their honest type.
        files: ["tests/**/*.ts", "offline/**/*.ts", "bench/**/*.ts"],
        rules: { "@typescript-eslint/no-explicit-any": "off" },
    },
);
