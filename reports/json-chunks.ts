/** Items serialised per chunk. */
const BATCH = 1000;

/**
 * An array as JSON.stringify(value, null, 2) writes it where it sits `indent` deep (two spaces at the top
 * level, four for an envelope's key), as chunks of a batch of items each: byte for byte the same text,
 * without the whole document ever being one string. `map` turns each item into what is written.
 */
export function* jsonArrayChunks<T>(items: readonly T[], map: (item: T) => unknown, indent: string): Generator<string> {
  if (items.length === 0) {
    yield '[]';
    return;
  }
  yield '[\n';
  for (let start = 0; start < items.length; start += BATCH) {
    const text = items.slice(start, start + BATCH).map((item) => indent + JSON.stringify(map(item), null, 2).replaceAll('\n', `\n${indent}`));
    yield `${start === 0 ? '' : ',\n'}${text.join(',\n')}`;
  }
  yield `\n${indent.slice(2)}]`;
}
