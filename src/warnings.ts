/** Receives a warning's message (a duplicate key dropped, a corrupt report moved aside, …). Never a secret. */
export type WarningHandler = (message: string) => void;

/** The default {@link WarningHandler}: `process.emitWarning(message, { type: 'KeyrelayWarning' })`. */
export const emitKeyrelayWarning: WarningHandler = (message) => {
  process.emitWarning(message, { type: 'KeyrelayWarning' });
};
