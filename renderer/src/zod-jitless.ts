/**
 * Imported first by main.tsx. zod (under shared/'s schemas) probes
 * `new Function("")` when its first object schema is built, to decide whether
 * to compile fast parsers; the CSP forbids eval, so the probe would only log a
 * `securitypolicyviolation`. Jitless mode skips the probe and the compiler.
 */
import { config } from 'zod';

config({ jitless: true });
