// The version printed by `tessera version` and `tessera up`.
export const VERSION = '0.1.0';
