export { createAuthenticator, type Authenticated, type Authenticator } from './auth.service';
export { authSocketModule } from './auth.handlers';
export { loadDevKeys, type DevKeys } from './dev-keys';
export { registerDevTokenRoute } from './dev-token.routes';
export { bearerToken, createTokenVerifier } from './token-verifier';
export { createClerkWebhookRouter, documentClerkWebhook } from './webhook.routes';
