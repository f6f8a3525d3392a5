// The registries are the one list of kinds of action and procedure types: the kernel's registries, the OpenAPI
// document and the web app's forms list the same ones, so a kind or type added to a registry cannot be missing
// from the API or the app.
import { ACTION_KINDS, ACTIONS, PROCEDURE_TYPES, PROCEDURES } from '@peergov/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as webTypes from '../../web/src/api/types';
import { KINDS as proposalFormKinds } from '../../web/src/pages/new-proposal';
import { testApp, type TestApp } from './harness';

const sorted = (xs: readonly string[]) => [...xs].sort();

describe('the registries, the API and the app list the same kinds and types', () => {
  let t: TestApp;
  let doc: { paths: Record<string, Record<string, unknown>> };
  beforeAll(async () => {
    t = await testApp('sqlite');
    doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
  });
  afterAll(() => t.close());

  // The `kind` literals of the oneOf in the proposal operation's request body.
  const documentedKinds = () => {
    const op = doc.paths['/api/v1/commons/{id}/proposals']!.post as {
      requestBody: {
        content: { 'application/json': { schema: { properties: { action: { oneOf: unknown[] } } } } };
      };
    };
    const oneOf = op.requestBody.content['application/json'].schema.properties.action.oneOf as {
      properties: { kind: { const?: string; enum?: string[] } };
    }[];
    return oneOf.map((s) => s.properties.kind.const ?? s.properties.kind.enum?.[0] ?? '');
  };

  it('every kind of action has one definition, and the registry is the kernel list', () => {
    expect(sorted(Object.keys(ACTIONS))).toEqual(sorted(ACTION_KINDS));
    for (const k of ACTION_KINDS) expect(ACTIONS[k].kind).toBe(k);
  });

  it('every procedure type has one definition', () => {
    expect(sorted(Object.keys(PROCEDURES))).toEqual(sorted(PROCEDURE_TYPES));
    for (const p of PROCEDURE_TYPES) expect(PROCEDURES[p].type).toBe(p);
  });

  it('the OpenAPI document takes exactly the registered kinds in a proposal', () => {
    expect(sorted(documentedKinds())).toEqual(sorted(ACTION_KINDS));
  });

  it('the web app knows and offers exactly the registered kinds and procedure types', () => {
    expect(sorted(webTypes.ACTION_KINDS)).toEqual(sorted(ACTION_KINDS));
    expect(sorted(proposalFormKinds)).toEqual(sorted(ACTION_KINDS));
    expect(sorted(webTypes.PROCEDURE_TYPES)).toEqual(sorted(PROCEDURE_TYPES));
  });
});
