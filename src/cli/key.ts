/**
 * `portcullis key generate|import|public`: ECDSA P-256 key pairs in cosign's file formats; import
 * also takes RSA (PKCS#1 or PKCS#8) and Ed25519 (PKCS#8) keys, as cosign's import-key-pair does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createPublicKey } from 'node:crypto';
import { Command } from 'commander';
import { PortcullisError } from '../core/index.js';
import {
  encryptPrivateKeyPem,
  generateKeyPair,
  isEncryptedPrivateKey,
  loadPrivateKey,
  publicKeyPem,
  generatePkcs11KeyPair,
  keyIdOf,
} from '../attest/index.js';
import { writeOutput } from './output.js';
import { readPassword } from './signing-options.js';

async function writeKeyFiles(prefix: string, privatePem: string, publicPem: string, force: boolean): Promise<void> {
  const files = [`${prefix}.key`, `${prefix}.pub`];
  if (!force) {
    for (const f of files) {
      if (existsSync(f)) throw new PortcullisError({ code: 'USAGE', message: `"${f}" exists`, hint: 'Pass --force to overwrite it, or choose another -o prefix.' });
    }
  }
  try {
    await writeFile(files[0]!, privatePem, { mode: 0o600 });
    await writeFile(files[1]!, publicPem, { mode: 0o644 });
  } catch (err) {
    throw new PortcullisError({ code: 'OUTPUT_FAILED', message: `Cannot write key files "${prefix}.*" (${(err as NodeJS.ErrnoException).code ?? String(err)})`, hint: 'Check that the directory exists and is writable.', cause: err });
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new PortcullisError({ code: 'FILE_NOT_FOUND', message: `Cannot read "${path}" (${(err as NodeJS.ErrnoException).code ?? String(err)})`, hint: 'Check the path.', cause: err });
  }
}

export function keyCommand(): Command {
  const cmd = new Command('key').description('Generate and import signing keys (ECDSA P-256, cosign-compatible files)');

  cmd
    .command('generate')
    .description('Generate a key pair: PREFIX.key (encrypted, cosign format) and PREFIX.pub (SPKI PEM)')
    .option('-o, --output <prefix>', 'output file prefix', 'cosign')
    .option('--force', 'overwrite existing files')
    .option('--pkcs11 <uri>', 'generate the key pair inside a PKCS#11 token instead (pkcs11:token=…;object=…?module-path=…&pin-value=…); writes only PREFIX.pub')
    .action(async (flags: { output: string; force?: boolean; pkcs11?: string }) => {
      if (flags.pkcs11) {
        const pub = generatePkcs11KeyPair(flags.pkcs11);
        const file = `${flags.output}.pub`;
        if (!flags.force && existsSync(file)) throw new PortcullisError({ code: 'USAGE', message: `"${file}" exists`, hint: 'Pass --force to overwrite it, or choose another -o prefix.' });
        await writeFile(file, publicKeyPem(pub), { mode: 0o644 });
        process.stderr.write(`Key pair generated in the token (private key not extractable)\nPublic key written to ${file} (${keyIdOf(pub)})\nSign with --key '${flags.pkcs11}'\n`);
        return;
      }
      const password = await readPassword({ confirm: true, purpose: 'encrypt the new private key' });
      const pair = generateKeyPair();
      await writeKeyFiles(flags.output, await encryptPrivateKeyPem(pair.privateKey, password), publicKeyPem(pair.publicKey), flags.force === true);
      process.stderr.write(`Private key written to ${flags.output}.key\nPublic key written to ${flags.output}.pub (${keyIdOf(pair.publicKey)})\n`);
    });

  cmd
    .command('import')
    .description('Import an ECDSA P-256, RSA (2048+ bits) or Ed25519 private key (PKCS#8, SEC 1, PKCS#1 PEM, or cosign format) as PREFIX.key (encrypted) and PREFIX.pub')
    .argument('<file>', 'private key PEM file')
    .option('-o, --output <prefix>', 'output file prefix', 'import-cosign')
    .option('--force', 'overwrite existing files')
    .action(async (file: string, flags: { output: string; force?: boolean }) => {
      const text = readText(file);
      const key = await loadPrivateKey(text, isEncryptedPrivateKey(text) ? () => readPassword({ confirm: false, purpose: `decrypt "${file}"` }) : undefined);
      const password = await readPassword({ confirm: true, purpose: 'encrypt the imported private key' });
      const pub = createPublicKey(key);
      await writeKeyFiles(flags.output, await encryptPrivateKeyPem(key, password), publicKeyPem(pub), flags.force === true);
      process.stderr.write(`Private key written to ${flags.output}.key\nPublic key written to ${flags.output}.pub (${keyIdOf(pub)})\n`);
    });

  cmd
    .command('public')
    .description('Print the public key (SPKI PEM) of a private key file')
    .requiredOption('--key <file>', 'private key file')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (flags: { key: string; output?: string }) => {
      const text = readText(flags.key);
      const key = await loadPrivateKey(text, isEncryptedPrivateKey(text) ? () => readPassword({ confirm: false, purpose: `decrypt "${flags.key}"` }) : undefined);
      await writeOutput(publicKeyPem(createPublicKey(key)), flags.output);
    });

  return cmd;
}
