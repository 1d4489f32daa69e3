// Generated from src/syntax/parser.ts by `npm run grammar`; a test fails when it is stale.
/* eslint-disable */
import type { CstNode, ICstVisitor, IToken } from "chevrotain";

export interface ModuleCstNode extends CstNode {
  name: "module";
  children: ModuleCstChildren;
}

export type ModuleCstChildren = {
  pragma?: PragmaCstNode[];
  item?: ItemCstNode[];
};

export interface PragmaCstNode extends CstNode {
  name: "pragma";
  children: PragmaCstChildren;
}

export type PragmaCstChildren = {
  Bird: IToken[];
  version: IToken[];
};

export interface ItemCstNode extends CstNode {
  name: "item";
  children: ItemCstChildren;
}

export type ItemCstChildren = {
  importDecl?: ImportDeclCstNode[];
  constDecl?: ConstDeclCstNode[];
  featuresDecl?: FeaturesDeclCstNode[];
  labelsDecl?: LabelsDeclCstNode[];
  blockDecl?: BlockDeclCstNode[];
  modelDecl?: ModelDeclCstNode[];
  trainDecl?: TrainDeclCstNode[];
  signatureDecl?: SignatureDeclCstNode[];
  Semicolon?: IToken[];
};

export interface ImportDeclCstNode extends CstNode {
  name: "importDecl";
  children: ImportDeclCstChildren;
}

export type ImportDeclCstChildren = {
  Import: IToken[];
  relativePath?: IToken[];
  pathSegment?: (IToken)[];
  Dot?: IToken[];
  LBrace?: IToken[];
  importName?: (ImportNameCstNode)[];
  Comma?: (IToken)[];
  RBrace?: IToken[];
};

export interface ImportNameCstNode extends CstNode {
  name: "importName";
  children: ImportNameCstChildren;
}

export type ImportNameCstChildren = {
  name: IToken[];
  As?: IToken[];
  alias?: IToken[];
};

export interface ConstDeclCstNode extends CstNode {
  name: "constDecl";
  children: ConstDeclCstChildren;
}

export type ConstDeclCstChildren = {
  Const: IToken[];
  name: IToken[];
  Colon?: IToken[];
  typeRef?: TypeRefCstNode[];
  Equals: IToken[];
  expression: ExpressionCstNode[];
};

export interface FeaturesDeclCstNode extends CstNode {
  name: "featuresDecl";
  children: FeaturesDeclCstChildren;
}

export type FeaturesDeclCstChildren = {
  Features: IToken[];
  name: IToken[];
  fieldList: FieldListCstNode[];
};

export interface LabelsDeclCstNode extends CstNode {
  name: "labelsDecl";
  children: LabelsDeclCstChildren;
}

export type LabelsDeclCstChildren = {
  Labels: IToken[];
  name: IToken[];
  fieldList: FieldListCstNode[];
};

export interface FieldListCstNode extends CstNode {
  name: "fieldList";
  children: FieldListCstChildren;
}

export type FieldListCstChildren = {
  LBrace: IToken[];
  fieldDecl?: FieldDeclCstNode[];
  RBrace: IToken[];
};

export interface FieldDeclCstNode extends CstNode {
  name: "fieldDecl";
  children: FieldDeclCstChildren;
}

export type FieldDeclCstChildren = {
  name: IToken[];
  Colon: IToken[];
  fieldKind: ApplicationCstNode[];
  Equals?: IToken[];
  default?: BinaryExprCstNode[];
  Pipe?: IToken[];
  transform?: ApplicationCstNode[];
  Semicolon?: IToken[];
};

export interface ApplicationCstNode extends CstNode {
  name: "application";
  children: ApplicationCstChildren;
}

export type ApplicationCstChildren = {
  name: IToken[];
  argList?: ArgListCstNode[];
};

export interface BlockDeclCstNode extends CstNode {
  name: "blockDecl";
  children: BlockDeclCstChildren;
}

export type BlockDeclCstChildren = {
  Block: IToken[];
  callableTail: CallableTailCstNode[];
};

export interface ModelDeclCstNode extends CstNode {
  name: "modelDecl";
  children: ModelDeclCstChildren;
}

export type ModelDeclCstChildren = {
  Model: IToken[];
  callableTail: CallableTailCstNode[];
};

export interface CallableTailCstNode extends CstNode {
  name: "callableTail";
  children: CallableTailCstChildren;
}

export type CallableTailCstChildren = {
  name: IToken[];
  LParen: IToken[];
  param?: (ParamCstNode)[];
  Comma?: (IToken)[];
  RParen: IToken[];
  Arrow?: IToken[];
  returnType?: TypeRefCstNode[];
  body: BodyCstNode[];
};

export interface ParamCstNode extends CstNode {
  name: "param";
  children: ParamCstChildren;
}

export type ParamCstChildren = {
  name: IToken[];
  Colon: IToken[];
  typeRef: TypeRefCstNode[];
  Equals?: IToken[];
  default?: ExpressionCstNode[];
};

export interface TypeRefCstNode extends CstNode {
  name: "typeRef";
  children: TypeRefCstChildren;
}

export type TypeRefCstChildren = {
  name: IToken[];
  dimList?: DimListCstNode[];
};

export interface DimListCstNode extends CstNode {
  name: "dimList";
  children: DimListCstChildren;
}

export type DimListCstChildren = {
  LBracket: IToken[];
  dim?: (BinaryExprCstNode)[];
  Comma?: IToken[];
  RBracket: IToken[];
};

export interface TrainDeclCstNode extends CstNode {
  name: "trainDecl";
  children: TrainDeclCstChildren;
}

export type TrainDeclCstChildren = {
  Train: IToken[];
  model: IToken[];
  body: BodyCstNode[];
};

export interface SignatureDeclCstNode extends CstNode {
  name: "signatureDecl";
  children: SignatureDeclCstChildren;
}

export type SignatureDeclCstChildren = {
  Signature: IToken[];
  name: IToken[];
  At: IToken[];
  version: IToken[];
  For?: IToken[];
  model?: IToken[];
  LBrace: IToken[];
  signatureEntry?: SignatureEntryCstNode[];
  RBrace: IToken[];
};

export interface SignatureEntryCstNode extends CstNode {
  name: "signatureEntry";
  children: SignatureEntryCstChildren;
}

export type SignatureEntryCstChildren = {
  direction?: (IToken)[];
  signatureItem: (SignatureItemCstNode)[];
  Comma?: IToken[];
  Semicolon?: IToken[];
};

export interface SignatureItemCstNode extends CstNode {
  name: "signatureItem";
  children: SignatureItemCstChildren;
}

export type SignatureItemCstChildren = {
  value: PostfixExprCstNode[];
  As?: IToken[];
  alias?: IToken[];
};

export interface BodyCstNode extends CstNode {
  name: "body";
  children: BodyCstChildren;
}

export type BodyCstChildren = {
  LBrace: IToken[];
  statement?: StatementCstNode[];
  RBrace: IToken[];
};

export interface StatementCstNode extends CstNode {
  name: "statement";
  children: StatementCstChildren;
}

export type StatementCstChildren = {
  forStmt?: ForStmtCstNode[];
  ifStmt?: IfStmtCstNode[];
  returnStmt?: ReturnStmtCstNode[];
  outStmt?: OutStmtCstNode[];
  exprStmt?: ExprStmtCstNode[];
  Semicolon?: IToken[];
};

export interface ForStmtCstNode extends CstNode {
  name: "forStmt";
  children: ForStmtCstChildren;
}

export type ForStmtCstChildren = {
  For: IToken[];
  variable: IToken[];
  In: IToken[];
  iterable: ExpressionCstNode[];
  body: BodyCstNode[];
};

export interface IfStmtCstNode extends CstNode {
  name: "ifStmt";
  children: IfStmtCstChildren;
}

export type IfStmtCstChildren = {
  If: IToken[];
  condition: ExpressionCstNode[];
  then: BodyCstNode[];
  Else?: IToken[];
  elseIf?: IfStmtCstNode[];
  else?: BodyCstNode[];
};

export interface ReturnStmtCstNode extends CstNode {
  name: "returnStmt";
  children: ReturnStmtCstChildren;
}

export type ReturnStmtCstChildren = {
  Return: IToken[];
  expression: ExpressionCstNode[];
};

export interface OutStmtCstNode extends CstNode {
  name: "outStmt";
  children: OutStmtCstChildren;
}

export type OutStmtCstChildren = {
  Out: IToken[];
  name: IToken[];
  Equals?: IToken[];
  expression?: ExpressionCstNode[];
};

export interface ExprStmtCstNode extends CstNode {
  name: "exprStmt";
  children: ExprStmtCstChildren;
}

export type ExprStmtCstChildren = {
  target: ExpressionCstNode[];
  Equals?: IToken[];
  value?: ExpressionCstNode[];
};

export interface ExpressionCstNode extends CstNode {
  name: "expression";
  children: ExpressionCstChildren;
}

export type ExpressionCstChildren = {
  operand: BinaryExprCstNode[];
  Pipe?: IToken[];
  stage?: PostfixExprCstNode[];
};

export interface BinaryExprCstNode extends CstNode {
  name: "binaryExpr";
  children: BinaryExprCstChildren;
}

export type BinaryExprCstChildren = {
  prefix?: (IToken)[];
  operand: (PostfixExprCstNode)[];
  operator?: IToken[];
};

export interface PostfixExprCstNode extends CstNode {
  name: "postfixExpr";
  children: PostfixExprCstChildren;
}

export type PostfixExprCstChildren = {
  Integer?: IToken[];
  Float?: IToken[];
  StringLiteral?: IToken[];
  True?: IToken[];
  False?: IToken[];
  Identifier?: IToken[];
  listLiteral?: ListLiteralCstNode[];
  parenExpr?: ParenExprCstNode[];
  argList?: ArgListCstNode[];
  memberSuffix?: MemberSuffixCstNode[];
  indexSuffix?: IndexSuffixCstNode[];
};

export interface MemberSuffixCstNode extends CstNode {
  name: "memberSuffix";
  children: MemberSuffixCstChildren;
}

export type MemberSuffixCstChildren = {
  Dot: IToken[];
  name: IToken[];
};

export interface IndexSuffixCstNode extends CstNode {
  name: "indexSuffix";
  children: IndexSuffixCstChildren;
}

export type IndexSuffixCstChildren = {
  LBracket: IToken[];
  indexItem: (IndexItemCstNode)[];
  Comma?: IToken[];
  RBracket: IToken[];
};

export interface IndexItemCstNode extends CstNode {
  name: "indexItem";
  children: IndexItemCstChildren;
}

export type IndexItemCstChildren = {
  sliceTail?: (SliceTailCstNode)[];
  start?: ExpressionCstNode[];
};

export interface SliceTailCstNode extends CstNode {
  name: "sliceTail";
  children: SliceTailCstChildren;
}

export type SliceTailCstChildren = {
  Colon: IToken[];
  stop?: ExpressionCstNode[];
  stepColon?: IToken[];
  step?: ExpressionCstNode[];
};

export interface ArgListCstNode extends CstNode {
  name: "argList";
  children: ArgListCstChildren;
}

export type ArgListCstChildren = {
  LParen: IToken[];
  argument?: (ArgumentCstNode)[];
  Comma?: (IToken)[];
  RParen: IToken[];
};

export interface ArgumentCstNode extends CstNode {
  name: "argument";
  children: ArgumentCstChildren;
}

export type ArgumentCstChildren = {
  name?: IToken[];
  Colon?: IToken[];
  value: ExpressionCstNode[];
};

export interface ListLiteralCstNode extends CstNode {
  name: "listLiteral";
  children: ListLiteralCstChildren;
}

export type ListLiteralCstChildren = {
  LBracket: IToken[];
  element?: (ExpressionCstNode)[];
  Comma?: (IToken)[];
  RBracket: IToken[];
};

export interface ParenExprCstNode extends CstNode {
  name: "parenExpr";
  children: ParenExprCstChildren;
}

export type ParenExprCstChildren = {
  LParen: IToken[];
  expression: ExpressionCstNode[];
  RParen: IToken[];
};
