/**
 * The webhook's certificates when cert-manager is not used: a self-signed CA (its certificate is
 * the `caBundle` of the webhook configurations) and a serving certificate it signs for the
 * Service's DNS names (`NAME.NS.svc`, `NAME.NS.svc.cluster.local`). ECDSA P-256. Rotation is
 * re-running `admission manifests` with the CA kept (`--ca-cert/--ca-key`): the serving
 * certificate is replaced, the caBundle stays, and the running webhook reloads the mounted files.
 */
import 'reflect-metadata';
import { createPrivateKey, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';

export interface WebhookCertificates {
  caCert: string;
  caKey: string;
  cert: string;
  key: string;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
type Keys = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'];

function serial(): string {
  return randomBytes(16).toString('hex').replace(/^[89a-f]/, '1');
}

async function pkcs8Pem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
}

async function importCaKey(pem: string): Promise<webcrypto.CryptoKey> {
  const der = createPrivateKey(pem).export({ format: 'der', type: 'pkcs8' });
  return webcrypto.subtle.importKey('pkcs8', der, ALG, true, ['sign']);
}

/** The DNS names the API server uses to reach the Service. */
export function serviceDnsNames(service: string, namespace: string): string[] {
  return [`${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`, `${service}.${namespace}`, service];
}

export interface CertificateOptions {
  dnsNames: readonly string[];
  /** Keep this CA (rotation): PEM certificate and key. */
  ca?: { cert: string; key: string };
  /** Days the serving certificate is valid (default 365). */
  days?: number;
  now?: Date;
}

export async function generateWebhookCertificates(opts: CertificateOptions): Promise<WebhookCertificates> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const now = opts.now ?? new Date();
  const notBefore = new Date(now.getTime() - 60_000);
  let caCert: x509.X509Certificate;
  let caPrivate: webcrypto.CryptoKey;
  let caKeyPem: string;
  if (opts.ca) {
    caCert = new x509.X509Certificate(opts.ca.cert);
    caPrivate = await importCaKey(opts.ca.key);
    caKeyPem = opts.ca.key;
  } else {
    const caKeys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    caCert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: 'CN=portcullis admission webhook CA',
      notBefore,
      notAfter: new Date(now.getTime() + 10 * 365 * 86_400_000),
      signingAlgorithm: ALG,
      keys: caKeys as unknown as Keys,
      extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true), await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey as unknown as Keys['publicKey'])],
    });
    caPrivate = caKeys.privateKey;
    caKeyPem = await pkcs8Pem(caKeys.privateKey);
  }
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${opts.dnsNames[0] ?? 'portcullis-webhook'}`,
    issuer: caCert.subject,
    notBefore,
    notAfter: new Date(now.getTime() + (opts.days ?? 365) * 86_400_000),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey as unknown as Keys['publicKey'],
    signingKey: caPrivate as unknown as Keys['privateKey'],
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(opts.dnsNames.map((value) => ({ type: 'dns' as const, value }))),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  const caPem = caCert.toString('pem');
  // Sanity: the serving certificate verifies against the CA (node's own X.509).
  if (!new X509Certificate(cert.toString('pem')).verify(new X509Certificate(caPem).publicKey)) throw new Error('generated serving certificate does not verify against its CA');
  return { caCert: caPem + '\n', caKey: caKeyPem, cert: cert.toString('pem') + '\n', key: await pkcs8Pem(keys.privateKey) };
}
