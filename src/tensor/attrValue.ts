/** A compile-time constant that can sit in an op's attributes. */
export type AttrValue = number | boolean | string | null | readonly AttrValue[] | { readonly [key: string]: AttrValue };
