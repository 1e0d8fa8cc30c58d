import type { ApiScope } from './api-scopes';

declare global {
  namespace Express {
    interface Request {
      /** Set only when the request was authenticated by an API token: the token's scopes. */
      apiScopes?: readonly ApiScope[];
      /** The id of that token. */
      apiTokenId?: string;
    }
  }
}
export {};
