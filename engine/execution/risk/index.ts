export { classifyCommand, type ClassifyOptions } from './classify';
export { Classification, Risk } from './schema';
export { sqlWriteReason } from './commands/psql';
