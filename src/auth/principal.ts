/** Who is calling: resolved from the bearer key by AuthService. */
export interface Principal {
  tenantId: string;
  /** Key id, or "static:<tenant>" for keys from API_KEYS. */
  keyId: string;
  type: 'secret' | 'publishable';
  /** Kinds a publishable key may submit (null = any). */
  allowedKinds: string[] | null;
}
