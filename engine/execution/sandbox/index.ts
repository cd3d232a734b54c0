export { HOME_CACHES, MASKED, sandboxArgv, type FsView, type SandboxPlan } from './argv';
export { commandNeeds, NO_NEEDS, programName, programNeeds, programsOf, type Needs } from './needs';
export { describeSandbox, findBwrap, probeSandbox, realFs, sandboxInfo, sandboxStatus, type SandboxStatus } from './probe';
export { PROGRAM_NEEDS, type ProgramNeeds } from './table';
