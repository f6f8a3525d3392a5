// Line numbers for JSON input: where a syntax error is, and where the value at a path (e.g. ballots[41]) starts.
// Used only on the error path, so a small hand scanner is fine.

/** The 1-based line of a character offset. */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The line of a JSON.parse error, from the engine's message (position or excerpt), or undefined. */
export function jsonSyntaxErrorLine(text: string, error: unknown): number | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message);
  if (position) return lineOfOffset(text, Number(position[1]));
  if (/Unexpected end of JSON input/.test(message)) return lineOfOffset(text, text.length);
  const excerpt = /"(?:\.\.\.)?([\s\S]*?)(?:\.\.\.)?" is not valid JSON/.exec(message);
  if (excerpt?.[1]) {
    const at = text.indexOf(excerpt[1]);
    if (at >= 0) return lineOfOffset(text, at + excerpt[1].length);
  }
  return undefined;
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
    while (i < n && !',]} \n\r\t'.includes(text[i])) i++;
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
