// The read-only tables, in one place: a command that is not here, or whose spec rejects its arguments, is a write.
import type { Word } from '../parse';
import type { Spec } from '../spec';
import type { Context, Verdict } from '../verdict';
import { awks } from './awk';
import { coreutils } from './coreutils';
import { data, findRule } from './data';
import { kube } from './kube';
import { net } from './net';
import { ops } from './ops';
import { psql } from './psql';
import { sed } from './sed';
import { ipRule, system, testRule } from './system';

export const TABLE: Readonly<Record<string, Spec>> = { ...coreutils, ...system, ...kube, ...ops, ...net, ...data, ...awks, sed, psql };

/** Commands whose grammar is not flags and subcommands (find's expression, ip's object/verb). */
export const RULES: Readonly<Record<string, (args: Word[], ctx: Context) => Verdict>> = {
  find: findRule,
  ip: (args) => ipRule(args),
  test: testRule('test'),
  '[': testRule('['),
};
