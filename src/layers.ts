// The layers of faustlab, lowest first. A module may import modules of its
// own layer and of the layers below it, never above; tests (`*.test.ts`) may
// import anything. src/layers.test.ts enforces this table on every import of
// the tree, so it is the law, not a description.

export interface Layer {
  readonly name: string;
  /** Folders (relative to the project root) whose modules belong to the layer. */
  readonly folders: readonly string[];
  readonly summary: string;
}

export const layers: readonly Layer[] = [
  { name: "core", folders: ["src/core"], summary: "the IRs (boxes, signals with types and intervals, FIR), diagnostics, small utilities" },
  { name: "chain", folders: ["src/chain"], summary: "front end, evaluation, propagation, normalization, code generation, backends" },
  { name: "analyses", folders: ["analyses"], summary: "analyses of the signal graph (linearity, LTI regions, transfer functions, z-domain algebra)" },
  { name: "passes", folders: ["passes"], summary: "the pass manager, pipelines and the passes over the signal graph" },
  { name: "driver", folders: ["src/driver"], summary: "compile entry points, the standard library, the impulse contract" },
  { name: "harness", folders: ["src/harness"], summary: "the oracle (the real Faust), differential testing, golden checker, semantic property, arbitraries" },
  { name: "reports", folders: ["reports"], summary: "reports built from compilations and measurements" },
  { name: "cli", folders: ["src/cli"], summary: "the faustlab command and its subcommands" },
  { name: "tools", folders: ["src/tools", "benchmarks", "corpus", "bin", "dist"], summary: "scripts: benchmarks, conformance runs, fuzzing, corpus maintenance; dist/, the build of the command line (npm run build)" },
];

/** The layer index of a project-relative path, or undefined outside every layer. */
export function layerOf(relPath: string): number | undefined {
  const p = relPath.split("\\").join("/");
  let best: { index: number; len: number } | undefined;
  layers.forEach((l, index) => {
    for (const f of l.folders) {
      if ((p === f || p.startsWith(f + "/")) && (!best || f.length > best.len)) best = { index, len: f.length };
    }
  });
  return best?.index;
}
