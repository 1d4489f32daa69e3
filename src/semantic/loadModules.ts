import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { didYouMean, nameFix } from '../diagnostics/suggest.js';
import { SourceFile } from '../source/sourceFile.js';
import type * as A from '../syntax/ast.js';
import { parse } from '../syntax/parse.js';
import { collectDeclarations } from './collectDeclarations.js';
import type { LoadedProgram, ModuleHost, ModuleInfo } from './moduleInfo.js';

/** The standard modules shipped in `stdlib/`, for suggestions. */
export const stdModules = ['nn', 'loss', 'metric'];

/**
 * Parses the entry file and, depth first, every file it imports: `import std.nn` from the
 * standard library folder, `import "./x.bird"` relative to the importing file. Reports
 * missing modules, cycles, paths leaving the project root and names a module lacks.
 */
export function loadModules(entry: SourceFile, host: ModuleHost): LoadedProgram {
  const diagnostics: Diagnostic[] = [];
  const byPath = new Map<string, ModuleInfo>();
  const stack: string[] = [];

  const load = (source: SourceFile, name: string, absolutePath: string): ModuleInfo => {
    const parsed = parse(source);
    diagnostics.push(...parsed.diagnostics);
    const info: ModuleInfo = {
      name,
      path: absolutePath,
      source,
      ast: parsed.module,
      values: new Map(),
      features: new Map(),
      labels: new Map(),
      imported: new Map(),
    };
    byPath.set(absolutePath, info);
    diagnostics.push(...collectDeclarations(info));
    stack.push(absolutePath);
    for (const item of parsed.module.items) {
      if (item.kind === 'ImportDecl') resolveImport(info, item);
    }
    stack.pop();
    return info;
  };

  const resolveImport = (importer: ModuleInfo, decl: A.ImportDecl): void => {
    const target = locate(importer, decl);
    if (target === undefined) return;
    const key = resolve(target.path);
    if (stack.includes(key)) {
      const cycle = [...stack.slice(stack.indexOf(key)), key]
        .map((p) => `\`${byPath.get(p)?.source.path ?? displayPath(p, host)}\``)
        .join(' -> ');
      diagnostics.push(diagnostic('importCycle', { cycle }, importer.source, decl.span));
      return;
    }
    let module = byPath.get(key);
    if (module === undefined) {
      const text = host.readFile(target.path);
      if (text === undefined) {
        const suggestion = decl.path
          ? didYouMean(
              decl.path
                .map((p) => p.name)
                .slice(1)
                .join('.'),
              stdModules,
            )
          : undefined;
        diagnostics.push(
          diagnostic('unknownModule', { module: `\`${target.name}\`` }, importer.source, importSpan(decl), {
            label: `no file at \`${decl.path ? `stdlib/${decl.path[1]!.name}.bird` : displayPath(target.path, host)}\``,
            ...(suggestion
              ? { help: suggestion.replace('`', '`std.') }
              : decl.path
                ? { help: `the standard modules are ${stdModules.map((m) => `\`std.${m}\``).join(', ')}` }
                : {}),
          }),
        );
        return;
      }
      // Standard modules are shown as `stdlib/NAME.bird` wherever Bird is installed, so
      // diagnostics and IR locations do not depend on the machine.
      const shown = decl.path ? `stdlib/${decl.path[1]!.name}.bird` : displayPath(target.path, host);
      module = load(new SourceFile(shown, text), target.name, key);
    }
    bindImport(importer, decl, module, diagnostics, (name) => host.isPrimitive?.(name) ?? false);
  };

  const locate = (importer: ModuleInfo, decl: A.ImportDecl): { path: string; name: string } | undefined => {
    if (decl.path) {
      const segments = decl.path.map((p) => p.name);
      if (segments[0] !== 'std' || segments.length !== 2) {
        diagnostics.push(
          diagnostic('unknownModule', { module: `\`${segments.join('.')}\`` }, importer.source, importSpan(decl), {
            help: `modules are \`std.NAME\` from the standard library (${stdModules.map((m) => `\`std.${m}\``).join(', ')}) or a relative path string such as \`"./blocks.bird"\``,
          }),
        );
        return undefined;
      }
      return { path: join(host.stdlibDir, `${segments[1]!}.bird`), name: segments.join('.') };
    }
    const rel = decl.relativePath!.value;
    const path = isAbsolute(rel) ? rel : join(dirname(importer.path), rel);
    const fromRoot = relative(resolve(host.projectRoot), resolve(path));
    const inStdlib = !relative(resolve(host.stdlibDir), resolve(path)).startsWith('..');
    if ((fromRoot.startsWith('..') || isAbsolute(fromRoot)) && !inStdlib) {
      diagnostics.push(
        diagnostic('importOutsideRoot', { path: `\`${rel}\``, root: `\`${host.projectRoot}\`` }, importer.source, decl.relativePath!.span),
      );
      return undefined;
    }
    return { path, name: rel };
  };

  const entryInfo = load(entry, entry.path, resolve(entry.path));
  return { entry: entryInfo, modules: [...byPath.values()], diagnostics };
}

function importSpan(decl: A.ImportDecl): A.ImportDecl['span'] {
  const first = decl.path?.[0];
  const last = decl.path?.[decl.path.length - 1];
  if (first && last) return { start: first.span.start, end: last.span.end };
  return decl.relativePath?.span ?? decl.span;
}

function displayPath(path: string, host: ModuleHost): string {
  const rel = relative(host.projectRoot, path);
  return rel.startsWith('..') ? path : rel;
}

/** Binds `import m { a as b }` names (or `m` itself) into the importer's namespaces. */
function bindImport(
  importer: ModuleInfo,
  decl: A.ImportDecl,
  target: ModuleInfo,
  diagnostics: Diagnostic[],
  isPrimitive: (name: string) => boolean,
): void {
  if (decl.names === null) {
    const local = decl.path ? decl.path[decl.path.length - 1]!.name : target.name.replace(/^.*\//, '').replace(/\.bird$/, '');
    importer.values.set(local, { kind: 'module', target, decl, module: importer });
    return;
  }
  for (const name of decl.names) {
    const wanted = name.name.name;
    const local = name.alias?.name ?? wanted;
    const value = target.values.get(wanted);
    const features = target.features.get(wanted);
    const labels = target.labels.get(wanted);
    if (value && value.kind !== 'module') importer.imported.set(local, { symbol: value, name });
    else if (features) importer.imported.set(local, { symbol: { kind: 'features', decl: features, module: target }, name });
    else if (labels) importer.imported.set(local, { symbol: { kind: 'labels', decl: labels, module: target }, name });
    else {
      const candidates = [...target.values.keys(), ...target.features.keys(), ...target.labels.keys()];
      const extras = isPrimitive(wanted)
        ? { help: `\`${wanted}\` is a built-in op, always in scope: remove it from the import` }
        : nameFix(wanted, candidates, importer.source, name.name.span);
      diagnostics.push(
        diagnostic('unknownImport', { module: `\`${target.name}\``, name: wanted }, importer.source, name.name.span, extras ?? {}),
      );
    }
  }
}
