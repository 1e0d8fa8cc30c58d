import { Injectable } from '@nestjs/common';
import { hash, verify, type Algorithm } from '@node-rs/argon2';

// The package's Algorithm is an ambient const enum, which isolated modules cannot read at run time.
const ARGON2ID: Algorithm.Argon2id = 2;

/**
 * argon2id password hashes (@node-rs/argon2: prebuilt binaries inside the npm package, no native
 * build step). Parameters follow the OWASP minimum for argon2id: 19 MiB, 2 passes, 1 lane.
 */
@Injectable()
export class PasswordHasher {
  private static readonly options = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 };
  /** A hash of a random string, checked when the user does not exist so both paths cost the same. */
  private decoy?: Promise<string>;

  hash(password: string): Promise<string> {
    return hash(password, PasswordHasher.options);
  }

  async verify(storedHash: string | null | undefined, password: string): Promise<boolean> {
    if (!storedHash) {
      this.decoy ??= this.hash(`decoy-${Math.random()}`);
      await verify(await this.decoy, password).catch(() => false);
      return false;
    }
    try {
      return await verify(storedHash, password);
    } catch {
      return false;
    }
  }
}
