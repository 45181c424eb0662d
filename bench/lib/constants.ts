// Secrets and paths shared by the load generator and the servers it starts. Kept apart from
// faro.ts so a baseline child never loads Faro's modules (the checker's language model alone
// is hundreds of MB).

export const SECRETS = {
  telegramToken: '123456:TEST-token-for-the-fake-bot-api-00',
  telegramWebhook: 'bench-webhook-secret-0123456789',
  whatsappAppSecret: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  whatsappVerify: 'bench-verify-token-0123456789',
  userKey: 'bench-user-key-secret-0123456789abcdef0123',
};

export const PATHS = { telegram: '/telegram/webhook', whatsapp: '/whatsapp/webhook' } as const;
