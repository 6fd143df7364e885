// The optional signing step: the win-x64 binary signed with a supplied PKCS#12 certificate verifies with osslsigncode against that certificate.
import { copyFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { signWindows } from '../../scripts/build-single-binary.ts';
import { requireBinary } from '../helpers/binaries.ts';
import { tempDir } from '../helpers/temp-dir.ts';

describe('signWindows', () => {
  it('signs the exe so that osslsigncode verifies it against the signing certificate; the password never reaches argv', async () => {
    const work = await tempDir();
    const key = path.join(work, 'k.pem');
    const cert = path.join(work, 'c.pem');
    const pfx = path.join(work, 's.pfx');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-keyout', key, '-out', cert, '-days', '1', '-nodes', '-subj', '/CN=cse-preserve test signer'], { stdio: 'ignore' });
    execFileSync('openssl', ['pkcs12', '-export', '-out', pfx, '-inkey', key, '-in', cert, '-passout', 'pass:not-in-argv-123'], { stdio: 'ignore' });
    const exe = path.join(work, 'cse-preserve-win-x64.exe');
    copyFileSync(requireBinary('win-x64'), exe);
    const unsigned = spawnSync('osslsigncode', ['verify', '-CAfile', cert, '-in', exe], { encoding: 'utf8' });
    expect(unsigned.status).not.toBe(0); // the build removed the broken official signature
    process.env.CSE_TEST_SIGN_PASS = 'not-in-argv-123';
    signWindows(exe, pfx, 'CSE_TEST_SIGN_PASS');
    const verified = spawnSync('osslsigncode', ['verify', '-CAfile', cert, '-in', exe], { encoding: 'utf8' });
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toContain('cse-preserve test signer');
  });
});
