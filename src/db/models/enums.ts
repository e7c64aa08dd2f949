/**
 * The enum tuples of the data model live in `src/shared/enums.ts` (the web client and the
 * wire contract use them too); the model files keep importing them from here.
 */
export * from '../../shared/enums';
