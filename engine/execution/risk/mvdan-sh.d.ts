// mvdan-sh ships no types: the few entry points the risk classifier uses, as loose as the GopherJS objects are.
declare module 'mvdan-sh' {
  export const syntax: {
    NewParser(...options: unknown[]): { Parse(src: string, name: string): unknown };
    Walk(node: unknown, visit: (node: unknown) => boolean): void;
    NodeType(node: unknown): string;
  };
}
