export { classifyCommand } from './classify';
export { Classification, Risk } from './schema';
export { sqlWriteReason } from './sql';
