// Rules for rules: how the constitution itself changes (see docs/ARCHITECTURE.md, "Boundary: procedures and rules
// for rules"). One file per concern.
export * from './tiers';
export * from './domains';
export * from './lock-in';
export * from './diff';
export * from './amendment';
