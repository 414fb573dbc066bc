/**
 * JSON data files (CoinAPI bars, gas tables, pool reserves) parsed with a message that says where
 * the text stops being JSON but not what it holds: V8's own message quotes the text, and a data
 * file's contents never belong in an error (a dashboard user could read any file through it).
 */
export function parseJsonText(text: string, fileName: string, expected: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    const where = position === undefined ? "" : ` at character ${Number(position) + 1}`;
    throw new Error(`${fileName}: not valid JSON${where}; expected ${expected}`);
  }
}
