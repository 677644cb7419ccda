/** Receives a warning's message (e.g. that a corrupt report file was moved aside). */
export type WarningHandler = (message: string) => void;

/** The default {@link WarningHandler}: `process.emitWarning` with type `KeyrelayWarning`. */
export const defaultWarningHandler: WarningHandler = (message) => {
  process.emitWarning(message, { type: 'KeyrelayWarning' });
};
