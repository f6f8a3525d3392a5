// Line numbers for JSON input: where a syntax error is, and where the value at a path (e.g. ballots[41]) starts.
// Used only on the error path, so a small hand scanner is fine.

/** The 1-based line of a character offset. */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The line of a JSON syntax error: found by a small validating scan (only run after JSON.parse failed). */
export function jsonSyntaxErrorLine(text: string, error?: unknown): number | undefined {
  const at = jsonErrorOffset(text);
  if (at !== undefined) return lineOfOffset(text, at);
  const position = /position (\d+)/.exec(error instanceof Error ? error.message : String(error));
  return position ? lineOfOffset(text, Number(position[1])) : undefined;
}

/** The offset of the first JSON syntax error in `text`, or undefined when it is valid JSON. */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const n = text.length;
  class Bad extends Error {}
  const fail = (): never => {
    throw new Bad();
  };
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const str = () => {
    i++;
    while (i < n && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) fail();
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
      }
      i++;
    }
    if (i >= n) fail();
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '"') return str();
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        str();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') return void i++;
        fail();
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') return void i++;
        fail();
      }
    }
    const m = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!m) fail();
    i += m![0].length;
  };
  try {
    value();
    ws();
    if (i < n) fail();
    return undefined;
  } catch (e) {
    if (e instanceof Bad) return Math.min(i, n);
    return undefined;
  }
}

/** The line where the value at `path` (object keys and array indexes) starts in valid JSON text, or undefined. */
export function jsonLineOf(text: string, path: readonly (string | number)[]): number | undefined {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const readString = (): string => {
    const start = i;
    i++;
    while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const skipValue = () => {
    ws();
    if (text[i] === '"') return void readString();
    if (text[i] === '{' || text[i] === '[') {
      let depth = 0;
      do {
        const c = text[i];
        if (c === '"') {
          readString();
          continue;
        }
        if (c === '{' || c === '[') depth++;
        else if (c === '}' || c === ']') depth--;
        i++;
      } while (depth > 0 && i < n);
      return;
    }
    while (i < n && !',]} \n\r\t'.includes(text[i]!)) i++; // i < n = text.length
  };
  try {
    ws();
    for (const key of path) {
      ws();
      if (typeof key === 'string') {
        if (text[i] !== '{') return undefined;
        i++;
        let found = false;
        for (;;) {
          ws();
          if (text[i] === '}') return undefined;
          const k = readString();
          ws();
          i++; // ':'
          ws();
          if (k === key) {
            found = true;
            break;
          }
          skipValue();
          ws();
          if (text[i] === ',') i++;
        }
        if (!found) return undefined;
      } else {
        if (text[i] !== '[') return undefined;
        i++;
        for (let k = 0; k < key; k++) {
          ws();
          if (text[i] === ']') return undefined;
          skipValue();
          ws();
          if (text[i] === ',') i++;
        }
        ws();
        if (text[i] === ']') return undefined;
      }
    }
    ws();
    return i < n ? lineOfOffset(text, i) : undefined;
  } catch {
    return undefined;
  }
}
