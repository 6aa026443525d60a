// A JSON reader that remembers where each value starts, so that a schema
// error on `/pipelines/svf` can point at the spec file's line and column.
//
//   parseLocated(text) → { value, at(pointer) → offset }   throws LocatedJsonError on bad syntax
//
// Strict JSON (RFC 8259), iterative for arrays and objects is not needed at
// spec sizes; depth is bounded by MAX_DEPTH.

export class LocatedJsonError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export interface LocatedJson {
  readonly value: unknown;
  /** The offset of the value at a JSON pointer (`/programs/2`), else of its nearest enclosing value. */
  at(pointer: string): number;
  /** The offset of the key of the member a pointer names (for "unknown property" errors), else the value's. */
  keyAt(pointer: string): number;
}

const MAX_DEPTH = 200;

const escape = (k: string) => k.replace(/~/g, "~0").replace(/\//g, "~1");

export function parseLocated(text: string): LocatedJson {
  const where = new Map<string, number>();
  const keys = new Map<string, number>();
  let i = 0;
  const fail = (msg: string, at = i): never => {
    throw new LocatedJsonError(msg, at);
  };
  const ws = () => {
    while (i < text.length && " \t\r\n".includes(text[i]!)) i++;
  };
  const str = (): string => {
    const start = i;
    i++; // opening quote
    let out = "";
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return out;
      }
      if (c === "\\") {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else fail("bad escape in string");
        continue;
      }
      if (c.charCodeAt(0) < 0x20) fail("control character in string (missing closing '\"'?)");
      out += c;
      i++;
    }
    return fail("unterminated string", start);
  };
  const value = (ptr: string, depth: number): unknown => {
    if (depth > MAX_DEPTH) fail("nested too deeply");
    ws();
    where.set(ptr, i);
    const c = text[i];
    if (c === undefined) return fail("unexpected end of text: expected a value");
    if (c === "{") {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      if (text[i] === "}") {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a property name in double quotes, found ${text[i] === undefined ? "end of text" : JSON.stringify(text[i])}`);
        const keyStart = i;
        const k = str();
        const p = `${ptr}/${escape(k)}`;
        keys.set(p, keyStart);
        ws();
        if (text[i] !== ":") fail("expected ':' after the property name");
        i++;
        if (Object.prototype.hasOwnProperty.call(obj, k)) fail(`property '${k}' is given twice`, keyStart);
        obj[k] = value(p, depth + 1);
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return obj;
        }
        fail("expected ',' or '}' in the object");
      }
    }
    if (c === "[") {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(`${ptr}/${arr.length}`, depth + 1));
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return arr;
        }
        fail("expected ',' or ']' in the array");
      }
    }
    if (c === '"') return str();
    const lit = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!lit) return fail(`unexpected ${JSON.stringify(c)}: expected a value`);
    i += lit[0].length;
    return lit[0] === "true" ? true : lit[0] === "false" ? false : lit[0] === "null" ? null : Number(lit[0]);
  };
  const v = value("", 0);
  ws();
  if (i < text.length) fail("unexpected text after the JSON value");
  const nearest = (m: Map<string, number>, pointer: string): number => {
    let p = pointer;
    for (;;) {
      const o = m.get(p) ?? where.get(p);
      if (o !== undefined) return o;
      if (p === "") return 0;
      p = p.slice(0, p.lastIndexOf("/"));
    }
  };
  return { value: v, at: (p) => nearest(where, p), keyAt: (p) => nearest(keys, p) };
}
