/** The URL of the compiled command line, or undefined when dist/ is missing or stale. */
export function compiledProgram(root?: string): URL | undefined;
