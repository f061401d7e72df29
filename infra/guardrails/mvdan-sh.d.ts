// The part of mvdan-sh's API (a GopherJS build of mvdan.cc/sh/v3/syntax) that shell.ts uses. Nodes are
// Go structs seen from JavaScript: fields by their Go names, positions through methods, operators as
// numbers (shell.ts maps them to their spelling by parsing samples).
declare module "mvdan-sh" {
    export interface GoPos {
        Line(): number;
        Offset(): number;
    }
    /** Any syntax node; which fields it has depends on syntax.NodeType(node). */
    export interface GoNode {
        Pos(): GoPos;
        End(): GoPos;
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        [field: string]: any;
    }
    export interface GoError {
        Error(): string;
        Pos?: GoPos;
        Text?: string;
    }
    export const syntax: {
        NewParser(): { Parse(src: string, name: string): GoNode };
        NodeType(node: GoNode): string;
    };
}
