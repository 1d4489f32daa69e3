import type { Span } from '../source/span.js';

/**
 * The Bird abstract syntax tree: plain data, every node tagged by `kind` and carrying the
 * span of source text it came from. `childFields` lists, for each kind, the fields that
 * hold child nodes, in source order; the one generic visitor walks by that table.
 */

export interface Comment {
  readonly text: string;
  readonly span: Span;
  /** A blank line follows it in the source (kept between a section comment and what follows). */
  blankLineAfter?: boolean;
}

/** Comments and blank lines around a statement-level node, kept so `bird fmt` loses nothing. */
export interface Trivia {
  readonly leading: readonly Comment[];
  readonly trailing: readonly Comment[];
  readonly blankLineBefore: boolean;
}

interface NodeBase {
  readonly span: Span;
}

interface Attachable {
  trivia?: Trivia;
}

/** Containers keep the comments that sit after their last child. */
interface Container {
  endComments?: readonly Comment[];
}

export interface Identifier extends NodeBase {
  readonly kind: 'Identifier';
  readonly name: string;
}

// ---- Module and items -------------------------------------------------------------

export interface Module extends NodeBase, Container {
  readonly kind: 'Module';
  readonly pragma: Pragma | null;
  readonly items: readonly Item[];
}

export interface Pragma extends NodeBase, Attachable {
  readonly kind: 'Pragma';
  readonly version: number;
  readonly versionSpan: Span;
}

export type Item = ImportDecl | ConstDecl | FeaturesDecl | LabelsDecl | BlockDecl | ModelDecl | TrainDecl | SignatureDecl;

export interface ImportDecl extends NodeBase, Attachable {
  readonly kind: 'ImportDecl';
  /** `std.nn` as `['std', 'nn']`; null for a relative import. */
  readonly path: readonly Identifier[] | null;
  /** `"./blocks.bird"`, already unescaped; null for a module path. */
  readonly relativePath: StringLiteral | null;
  /** Null when no `{ ... }` follows: the module itself is imported under its last name. */
  readonly names: readonly ImportName[] | null;
}

export interface ImportName extends NodeBase {
  readonly kind: 'ImportName';
  readonly name: Identifier;
  readonly alias: Identifier | null;
}

export interface ConstDecl extends NodeBase, Attachable {
  readonly kind: 'ConstDecl';
  readonly name: Identifier;
  readonly type: TypeRef | null;
  readonly value: Expr;
}

export interface FeaturesDecl extends NodeBase, Attachable, Container {
  readonly kind: 'FeaturesDecl';
  readonly name: Identifier;
  readonly fields: readonly FieldDecl[];
}

export interface LabelsDecl extends NodeBase, Attachable, Container {
  readonly kind: 'LabelsDecl';
  readonly name: Identifier;
  readonly fields: readonly FieldDecl[];
}

export interface FieldDecl extends NodeBase, Attachable {
  readonly kind: 'FieldDecl';
  readonly name: Identifier;
  /** `continuous`, `discrete(24)`, `binary(downsample_neg: 0.5)`. */
  readonly fieldKind: Application;
  readonly default: Expr | null;
  readonly transforms: readonly Application[];
}

/** A name applied to optional arguments; `args` is null when no parentheses were written. */
export interface Application extends NodeBase {
  readonly kind: 'Application';
  readonly name: Identifier;
  readonly args: readonly Argument[] | null;
}

export interface BlockDecl extends NodeBase, Attachable {
  readonly kind: 'BlockDecl';
  readonly name: Identifier;
  readonly params: readonly Param[];
  readonly returnType: TypeRef | null;
  readonly body: Body;
}

export interface ModelDecl extends NodeBase, Attachable {
  readonly kind: 'ModelDecl';
  readonly name: Identifier;
  readonly params: readonly Param[];
  readonly returnType: TypeRef | null;
  readonly body: Body;
}

export interface Param extends NodeBase {
  readonly kind: 'Param';
  readonly name: Identifier;
  readonly type: TypeRef;
  readonly default: Expr | null;
}

/** `int`, `int[]`, `f32[B, D]`: a name and zero or more bracketed dimension lists. */
export interface TypeRef extends NodeBase {
  readonly kind: 'TypeRef';
  readonly name: Identifier;
  readonly dims: readonly DimList[];
}

export interface DimList extends NodeBase {
  readonly kind: 'DimList';
  readonly dims: readonly Expr[];
}

export interface TrainDecl extends NodeBase, Attachable {
  readonly kind: 'TrainDecl';
  readonly model: Identifier;
  readonly body: Body;
}

export interface SignatureDecl extends NodeBase, Attachable, Container {
  readonly kind: 'SignatureDecl';
  readonly name: Identifier;
  readonly version: SemverLiteral;
  readonly model: Identifier | null;
  readonly entries: readonly SignatureEntry[];
}

export interface SemverLiteral extends NodeBase {
  readonly kind: 'SemverLiteral';
  readonly text: string;
}

export interface SignatureEntry extends NodeBase, Attachable {
  readonly kind: 'SignatureEntry';
  readonly direction: 'inputs' | 'outputs';
  readonly items: readonly SignatureItem[];
}

export interface SignatureItem extends NodeBase {
  readonly kind: 'SignatureItem';
  readonly value: Expr;
  readonly alias: Identifier | null;
}

// ---- Statements -------------------------------------------------------------------

export interface Body extends NodeBase, Container {
  readonly kind: 'Body';
  readonly statements: readonly Stmt[];
}

export type Stmt = AssignStmt | OutStmt | ForStmt | IfStmt | ReturnStmt | ExprStmt;

export interface AssignStmt extends NodeBase, Attachable {
  readonly kind: 'AssignStmt';
  readonly target: Identifier;
  readonly value: Expr;
}

export interface OutStmt extends NodeBase, Attachable {
  readonly kind: 'OutStmt';
  readonly name: Identifier;
  /** Null for `out h`, which exposes an existing value. */
  readonly value: Expr | null;
}

export interface ForStmt extends NodeBase, Attachable {
  readonly kind: 'ForStmt';
  readonly variable: Identifier;
  readonly iterable: Expr;
  readonly body: Body;
}

export interface IfStmt extends NodeBase, Attachable {
  readonly kind: 'IfStmt';
  readonly condition: Expr;
  readonly then: Body;
  /** `else { ... }` is a Body, `else if` an IfStmt. */
  readonly else: Body | IfStmt | null;
}

export interface ReturnStmt extends NodeBase, Attachable {
  readonly kind: 'ReturnStmt';
  readonly value: Expr;
}

export interface ExprStmt extends NodeBase, Attachable {
  readonly kind: 'ExprStmt';
  readonly expr: Expr;
}

// ---- Expressions ------------------------------------------------------------------

export type Expr =
  | NumberLiteral
  | StringLiteral
  | BoolLiteral
  | NameExpr
  | ListExpr
  | UnaryExpr
  | BinaryExpr
  | CallExpr
  | MemberExpr
  | IndexExpr
  | PipeExpr
  | ErrorExpr;

export interface NumberLiteral extends NodeBase {
  readonly kind: 'NumberLiteral';
  /** As written (`1e-3`, `1_000`), so formatting keeps the author's spelling. */
  readonly text: string;
  readonly value: number;
  readonly isInteger: boolean;
}

export interface StringLiteral extends NodeBase {
  readonly kind: 'StringLiteral';
  /** As written, with quotes and escapes. */
  readonly raw: string;
  readonly value: string;
}

export interface BoolLiteral extends NodeBase {
  readonly kind: 'BoolLiteral';
  readonly value: boolean;
}

export interface NameExpr extends NodeBase {
  readonly kind: 'NameExpr';
  readonly name: string;
}

export interface ListExpr extends NodeBase {
  readonly kind: 'ListExpr';
  readonly elements: readonly Expr[];
}

export type UnaryOperator = '-' | '+' | 'not';

export interface UnaryExpr extends NodeBase {
  readonly kind: 'UnaryExpr';
  readonly operator: UnaryOperator;
  readonly operand: Expr;
}

export type BinaryOperator = 'or' | 'and' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '..' | '+' | '-' | '*' | '/' | '%' | '@' | '^';

export interface BinaryExpr extends NodeBase {
  readonly kind: 'BinaryExpr';
  readonly operator: BinaryOperator;
  readonly left: Expr;
  readonly right: Expr;
}

export interface Argument extends NodeBase {
  readonly kind: 'Argument';
  readonly name: Identifier | null;
  readonly value: Expr;
}

export interface CallExpr extends NodeBase {
  readonly kind: 'CallExpr';
  readonly callee: Expr;
  readonly args: readonly Argument[];
}

export interface MemberExpr extends NodeBase {
  readonly kind: 'MemberExpr';
  readonly object: Expr;
  readonly member: Identifier;
}

export interface IndexExpr extends NodeBase {
  readonly kind: 'IndexExpr';
  readonly object: Expr;
  readonly indices: readonly (Expr | SliceExpr)[];
}

/** `start:stop:step`; `hasStep` records a written second colon so printing is faithful. */
export interface SliceExpr extends NodeBase {
  readonly kind: 'SliceExpr';
  readonly start: Expr | null;
  readonly stop: Expr | null;
  readonly step: Expr | null;
  readonly hasStep: boolean;
}

/** `x |> f(a)`: calls `f(x, a)`; `x |> f` calls `f(x)`. */
export interface PipeExpr extends NodeBase {
  readonly kind: 'PipeExpr';
  readonly input: Expr;
  readonly stage: Expr;
}

/** Stands where the parser recovered from a syntax error, so later stages can skip it. */
export interface ErrorExpr extends NodeBase {
  readonly kind: 'ErrorExpr';
}

export type Node =
  | Identifier
  | Module
  | Pragma
  | Item
  | ImportName
  | FieldDecl
  | Application
  | Param
  | TypeRef
  | DimList
  | SemverLiteral
  | SignatureEntry
  | SignatureItem
  | Body
  | Stmt
  | Expr
  | Argument
  | SliceExpr;

export type NodeKind = Node['kind'];
export type NodeOfKind<K extends NodeKind> = Extract<Node, { kind: K }>;

/** For each kind, the fields holding child nodes (a node, an array of nodes, or null), in source order. */
export const childFields: { readonly [K in NodeKind]: readonly (keyof NodeOfKind<K> & string)[] } = {
  Identifier: [],
  Module: ['pragma', 'items'],
  Pragma: [],
  ImportDecl: ['path', 'relativePath', 'names'],
  ImportName: ['name', 'alias'],
  ConstDecl: ['name', 'type', 'value'],
  FeaturesDecl: ['name', 'fields'],
  LabelsDecl: ['name', 'fields'],
  FieldDecl: ['name', 'fieldKind', 'default', 'transforms'],
  Application: ['name', 'args'],
  BlockDecl: ['name', 'params', 'returnType', 'body'],
  ModelDecl: ['name', 'params', 'returnType', 'body'],
  Param: ['name', 'type', 'default'],
  TypeRef: ['name', 'dims'],
  DimList: ['dims'],
  TrainDecl: ['model', 'body'],
  SignatureDecl: ['name', 'version', 'model', 'entries'],
  SemverLiteral: [],
  SignatureEntry: ['items'],
  SignatureItem: ['value', 'alias'],
  Body: ['statements'],
  AssignStmt: ['target', 'value'],
  OutStmt: ['name', 'value'],
  ForStmt: ['variable', 'iterable', 'body'],
  IfStmt: ['condition', 'then', 'else'],
  ReturnStmt: ['value'],
  ExprStmt: ['expr'],
  NumberLiteral: [],
  StringLiteral: [],
  BoolLiteral: [],
  NameExpr: [],
  ListExpr: ['elements'],
  UnaryExpr: ['operand'],
  BinaryExpr: ['left', 'right'],
  Argument: ['name', 'value'],
  CallExpr: ['callee', 'args'],
  MemberExpr: ['object', 'member'],
  IndexExpr: ['object', 'indices'],
  SliceExpr: ['start', 'stop', 'step'],
  PipeExpr: ['input', 'stage'],
  ErrorExpr: [],
};
