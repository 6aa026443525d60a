// Public surface of the Z-domain numerics library (no dependency on the signal graph).
export * from "./complex.ts";
export * from "./dd.ts";
export * from "./poly.ts";
export * from "./roots.ts";
export * from "./sos.ts";
export * from "./structures.ts";
export * from "./errors.ts";
export * from "./realize.ts";
