import { instance } from '@viz-js/viz';

// One Graphviz instance per process: compiling the WebAssembly module is the slow part.
let viz: ReturnType<typeof instance> | undefined;

/**
 * DOT to SVG with Graphviz compiled to WebAssembly (`@viz-js/viz`), so no system package
 * is needed. The DOT is Bird's own, so a layout failure is a bug in Bird and throws.
 */
export async function renderSvg(dot: string): Promise<string> {
  viz ??= instance();
  const result = (await viz).render(dot, { format: 'svg' });
  if (result.status !== 'success')
    throw new Error(`Graphviz could not lay out the graph: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.output;
}
