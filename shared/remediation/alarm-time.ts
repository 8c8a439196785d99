/**
 * Timestamps as alarm payloads write them: CloudWatch's `2019-10-02T17:04:40.989+0000` (offset
 * without a colon), EventBridge's `2019-10-02T17:04:40Z` and SNS's `...123Z`. Strict: every field
 * in range, so a published sample with `12: 36: 15` or a 30th of February is refused rather than
 * read as some other instant (deduplication and staleness compare these times).
 */

const ALARM_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;

/** Epoch milliseconds of an alarm timestamp, or undefined when it is not one. */
export function parseAlarmTimestamp(text: string): number | undefined {
  const match = ALARM_TIMESTAMP.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const offset = match[8] ?? 'Z';
  const normalizedOffset = offset === 'Z' ? 'Z' : `${offset.slice(0, 3)}:${offset.slice(-2)}`;
  // Milliseconds only: Date keeps no finer precision, and CloudWatch writes three digits.
  const fraction = (match[7] ?? '').slice(0, 4);
  const millis = Date.parse(
    `${match.slice(1, 4).join('-')}T${match.slice(4, 7).join(':')}${fraction}${normalizedOffset}`,
  );
  return Number.isNaN(millis) ? undefined : millis;
}

/** Whether `text` is an alarm timestamp `parseAlarmTimestamp` accepts. */
export function isAlarmTimestamp(text: string): boolean {
  return parseAlarmTimestamp(text) !== undefined;
}

/** The same instant as ISO 8601 UTC with milliseconds (`2019-10-02T17:04:40.989Z`). */
export function toIsoUtc(text: string): string {
  const millis = parseAlarmTimestamp(text);
  if (millis === undefined) throw new RangeError(`not an alarm timestamp: '${text}'`);
  return new Date(millis).toISOString();
}
