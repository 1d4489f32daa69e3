import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceFile } from '../source/sourceFile.js';
import type * as A from '../syntax/ast.js';

/** A top-level name in a module's value namespace. */
export type ModuleSymbol =
  | { readonly kind: 'block'; readonly decl: A.BlockDecl; readonly module: ModuleInfo }
  | { readonly kind: 'model'; readonly decl: A.ModelDecl; readonly module: ModuleInfo }
  | { readonly kind: 'const'; readonly decl: A.ConstDecl; readonly module: ModuleInfo }
  | { readonly kind: 'module'; readonly target: ModuleInfo; readonly decl: A.ImportDecl; readonly module: ModuleInfo };

/** One loaded `.bird` file with its declarations by namespace. */
export interface ModuleInfo {
  /** `std.nn`, or the path as imported / given on the command line. */
  readonly name: string;
  /** Where the file is on disk (absolute); `source.path` is how messages show it. */
  readonly path: string;
  readonly source: SourceFile;
  readonly ast: A.Module;
  /** Blocks, models, constants and whole-module imports. */
  readonly values: Map<string, ModuleSymbol>;
  /** `features` declarations, the types of model parameters. */
  readonly features: Map<string, A.FeaturesDecl>;
  readonly labels: Map<string, A.LabelsDecl>;
  /** Names brought in by `import m { a as b }`: local name to the symbol and the import's span. */
  readonly imported: Map<
    string,
    {
      readonly symbol:
        | ModuleSymbol
        | { readonly kind: 'features'; readonly decl: A.FeaturesDecl; readonly module: ModuleInfo }
        | { readonly kind: 'labels'; readonly decl: A.LabelsDecl; readonly module: ModuleInfo };
      readonly name: A.ImportName;
    }
  >;
}

export interface ModuleHost {
  /** The file's text, or undefined when it cannot be read. */
  readFile(path: string): string | undefined;
  /** Where `import std.x` looks for `x.bird`. */
  readonly stdlibDir: string;
  /** Relative imports may not resolve outside this folder. */
  readonly projectRoot: string;
  /** Whether a name is a built-in op, for a better message when someone imports one. */
  readonly isPrimitive?: (name: string) => boolean;
}

export interface LoadedProgram {
  readonly entry: ModuleInfo;
  readonly modules: readonly ModuleInfo[];
  readonly diagnostics: readonly Diagnostic[];
}
