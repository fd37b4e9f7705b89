import { describe, expect, it } from 'vitest';
import { isPortcullisError } from './errors.js';
import {
  compareSeverity,
  GRAFEAS_SEVERITIES,
  GRAFEAS_SEVERITY_OF,
  isAtLeast,
  maxSeverity,
  parseSeverity,
  parseSeverityList,
  RATED_SEVERITIES,
  SEVERITIES,
  severityRank,
  tryParseSeverity,
  type Severity,
} from './severity.js';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (err) {
    return isPortcullisError(err) ? err.code : 'not a PortcullisError';
  }
  return undefined;
};

describe('severity scale', () => {
  it('is ordered lowest first, UNKNOWN at the bottom', () => {
    expect(SEVERITIES).toEqual(['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
    expect(RATED_SEVERITIES).toEqual(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
    expect(SEVERITIES.map(severityRank)).toEqual([0, 1, 2, 3, 4]);
  });

  it.each<[Severity, Severity, number, Severity, boolean]>([
    ['LOW', 'HIGH', -1, 'HIGH', false],
    ['CRITICAL', 'MEDIUM', 1, 'CRITICAL', true],
    ['HIGH', 'HIGH', 0, 'HIGH', true],
    ['UNKNOWN', 'LOW', -1, 'LOW', false],
  ])('%s vs %s', (a, b, sign, max, atLeast) => {
    expect(Math.sign(compareSeverity(a, b))).toBe(sign);
    expect(maxSeverity(a, b)).toBe(max);
    expect(maxSeverity(b, a)).toBe(max);
    expect(isAtLeast(a, b)).toBe(atLeast);
  });

  it('sorts descending with compareSeverity(b, a)', () => {
    expect((['LOW', 'CRITICAL', 'UNKNOWN', 'HIGH'] as Severity[]).sort((a, b) => compareSeverity(b, a))).toEqual(['CRITICAL', 'HIGH', 'LOW', 'UNKNOWN']);
  });
});

describe('parsing', () => {
  it.each<[string, Severity | undefined]>([
    ['HIGH', 'HIGH'],
    ['critical', 'CRITICAL'],
    [' Medium ', 'MEDIUM'],
    ['unknown', 'UNKNOWN'],
    ['SEVERE', undefined],
    ['', undefined],
    ['MINIMAL', undefined],
  ])('%j', (input, want) => {
    expect(tryParseSeverity(input)).toBe(want);
    if (want) expect(parseSeverity(input)).toBe(want);
    else expect(codeOf(() => parseSeverity(input))).toBe('USAGE');
  });

  it.each<[string, Severity[] | string]>([
    ['HIGH,critical', ['HIGH', 'CRITICAL']],
    [' low , ,MEDIUM,', ['LOW', 'MEDIUM']],
    ['', []],
    ['HIGH,SEVERE', 'USAGE'],
  ])('list %j', (input, want) => {
    if (typeof want === 'string') expect(codeOf(() => parseSeverityList(input))).toBe(want);
    else expect(parseSeverityList(input)).toEqual(want);
  });
});

describe('Grafeas severities', () => {
  it('maps every severity onto the grafeas.v1 enum, UNKNOWN to SEVERITY_UNSPECIFIED', () => {
    for (const s of SEVERITIES) expect(GRAFEAS_SEVERITIES).toContain(GRAFEAS_SEVERITY_OF[s]);
    expect(GRAFEAS_SEVERITY_OF.UNKNOWN).toBe('SEVERITY_UNSPECIFIED');
    // The mapping keeps the order.
    const ranks = SEVERITIES.map((s) => GRAFEAS_SEVERITIES.indexOf(GRAFEAS_SEVERITY_OF[s]));
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
  });
});
