import type { WarningHandler } from './types.js';

/**
 * The default {@link WarningHandler}: `process.emitWarning(message, 'KeyrelayWarning')`.
 */
export const emitKeyrelayWarning: WarningHandler = (message) => {
  process.emitWarning(message, 'KeyrelayWarning');
};
