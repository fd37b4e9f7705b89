/**
 * Test-only helpers: secrets with realistic entropy built at run time from a seeded generator, so
 * that no token-shaped literal sits in the repository (push protection would flag it, and a
 * literal would be the same every run).
 */

/** A deterministic generator (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const ALPHABETS = {
  alnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  upper32: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
  upperNum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  hex: '0123456789abcdef',
  digits: '0123456789',
  base64: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  base64url: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  password: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!%^&*+-_',
} as const;

/** Random strings from a seeded generator. */
export class SecretFactory {
  private readonly next: () => number;
  constructor(seed = 20240601) {
    this.next = seededRandom(seed);
  }
  str(n: number, alphabet: string = ALPHABETS.alnum): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }
  uuid(): string {
    const h = (n: number) => this.str(n, ALPHABETS.hex);
    return `${h(8)}-${h(4)}-${h(4)}-${h(4)}-${h(12)}`;
  }
  /** A PEM-armoured body: random base64 in 64-character lines. */
  pemBody(chars = 1600): string {
    const b = this.str(chars, ALPHABETS.base64);
    return (b.match(/.{1,64}/g) ?? []).join('\n');
  }
  /** A private-key PEM block of the given type (`RSA`, `EC`, `OPENSSH`, '' for PKCS#8, …). */
  pem(type: string, body = this.pemBody()): string {
    const label = `${type ? type + ' ' : ''}PRIVATE ` + 'KEY';
    return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
  }
  jwt(): string {
    const b64 = (s: string) => Buffer.from(s).toString('base64url');
    return `${b64('{"alg":"HS256","typ":"JWT"}')}.${b64(`{"sub":"${this.str(12)}","iat":1700000000}`)}.${this.str(43, ALPHABETS.base64url)}`;
  }
}

/** Whether `text` contains any 8-character piece of `secret` beyond its first 4 characters. */
export function leaksSecret(text: string, secret: string): boolean {
  for (let i = 4; i + 8 <= secret.length; i++) if (text.includes(secret.slice(i, i + 8))) return true;
  return secret.length < 12 && secret.length >= 6 && text.includes(secret);
}
