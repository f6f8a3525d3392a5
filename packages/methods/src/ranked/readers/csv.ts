import { RankedInputError } from '../types';

/** One CSV record with the (1-based) line it starts on. */
export interface CsvRow {
  line: number;
  cells: string[];
}

/** Parses RFC 4180 CSV (quoted fields may hold commas, quotes and newlines); errors name the file and line. */
export function parseCsv(text: string, file?: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let rowLine = 1;
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRow = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === '')) rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
  };
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"') {
      if (cell !== '') throw new RankedInputError(file, line, 'a quote inside an unquoted field');
      quoted = true;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else cell += ch;
  }
  if (quoted) throw new RankedInputError(file, rowLine, 'a quoted field is never closed');
  if (cell !== '' || cells.length > 0) endRow();
  return rows;
}
