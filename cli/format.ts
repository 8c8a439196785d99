/** Plain-text rendering for terminals: aligned tables, durations, timestamps. */

/** Left-aligned columns separated by two spaces; `-` for missing cells. */
export function formatTable(headers: readonly string[], rows: readonly (readonly (string | undefined)[])[]): string {
  const cells = [headers, ...rows.map((row) => headers.map((_, i) => row[i] ?? '-'))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return `${cells
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : (cell ?? '').padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

/** Two columns, label and value, for one record (a summary). */
export function formatKeyValues(entries: readonly (readonly [string, string | undefined])[]): string {
  const width = Math.max(...entries.map(([key]) => key.length));
  return `${entries.map(([key, value]) => `${key.padEnd(width)}  ${value ?? '-'}`).join('\n')}\n`;
}

/** `3d 4h`, `2h 5m`, `4m 12s`, `9s`: the two largest units. */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.max(0, Math.round(ms / 1000));
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m ${seconds}s`;
  return `${seconds}s`;
}

/** ISO timestamp to the second (UTC), or undefined. */
export function isoSeconds(date: Date | undefined): string | undefined {
  return date ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined;
}

export function yesNo(value: boolean | undefined | null): string | undefined {
  return value === undefined || value === null ? undefined : value ? 'yes' : 'no';
}

export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
