import {
  describeProcedure,
  describeTrigger,
  dictOf,
  ACTION_KINDS,
  ACTION_LABELS,
  TEMPLATES,
  type CommonsCore,
  type Template,
} from '@peergov/kernel';

// Enough of a commons for the plain words of a template's triggers (classes and roles by name).
const templateCore = (t: Template) =>
  ({
    classes: t.classes,
    roles: dictOf(t.roles.map((r) => [r.id, { ...r, holders: [] }] as const)),
    constitution: { version: 1, rules: t.rules, adoptedAt: '', adoptedBy: null },
  }) as unknown as CommonsCore;
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context';
import { HealthSchema, problems, SetupSchema, TemplateSchema } from '../response-schemas';

const platformProblems = problems(401, 500);

/** Health, first-run status and templates. */
export function platformRoutes(server: FastifyInstance, ctx: AppContext): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['platform'];
  app.get(
    '/api/v1/health',
    {
      schema: {
        tags,
        summary: 'Liveness and the store in use',
        response: { 200: HealthSchema, ...platformProblems },
      },
    },
    async () => {
      await ctx.store.countAccounts();
      return { status: 'ok' as const, store: ctx.store.kind };
    },
  );

  app.get(
    '/api/v1/setup',
    {
      schema: {
        tags,
        summary: 'How far the platform is set up (for the first-run guide)',
        response: { 200: SetupSchema, ...platformProblems },
      },
    },
    async () => ({
      accounts: await ctx.store.countAccounts(),
      commons: (await ctx.commons.listIds()).length,
    }),
  );

  app.get(
    '/api/v1/templates',
    {
      schema: {
        tags,
        summary: 'Templates a commons can start from',
        response: { 200: Type.Array(TemplateSchema), ...platformProblems },
      },
    },
    async () =>
      Object.values(TEMPLATES).map((t) => ({
        id: t.id,
        name: t.name,
        description: t.description,
        suits: t.suits,
        givesUp: t.givesUp,
        // A template's triggers in words; a mandate's lapse is dated from the founding (shown as not yet due).
        triggers: (t.triggers ?? []).map((x) => ({
          id: x.id,
          when: x.when,
          rules: x.rules,
          dueAt: x.when.type === 'date' ? x.when.at : null,
          text: describeTrigger(x, templateCore(t)),
        })),
        classes: t.classes,
        rules: t.rules,
        roles: t.roles,
        rulesText: ACTION_KINDS.map((kind) => ({
          kind,
          label: ACTION_LABELS[kind],
          text: describeProcedure(t.rules[kind]),
        })),
      })),
  );
}
