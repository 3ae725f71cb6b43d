import type { Zod } from './common';

/**
 * Output schemas shared by the actions. Records name the fields an agent
 * reasons with and pass the rest through unchanged: the REST API's
 * OpenAPI spec is where every field is described.
 */
export const recordSchema = (z: Zod) =>
  z
    .object({
      sourceType: z.string(),
      sourceInstance: z.string(),
      externalId: z.string(),
      url: z.string().optional(),
    })
    .passthrough();

export const shiftSchema = (z: Zod) =>
  recordSchema(z).extend({
    scheduleName: z.string(),
    groupName: z.string(),
    personName: z.string(),
    start: z.string(),
    end: z.string(),
    escalationLevel: z.number(),
  });

export const incidentSchema = (z: Zod) =>
  recordSchema(z).extend({
    number: z.string(),
    title: z.string(),
    state: z.string(),
    priority: z.number(),
    openedAt: z.string(),
  });

export const durationSchema = (z: Zod) =>
  z.object({
    valueMs: z.number().nullable(),
    count: z.number(),
  });

export const ratioSchema = (z: Zod) =>
  z.object({
    value: z.number().nullable(),
    numerator: z.number(),
    denominator: z.number(),
  });

export const windowSchema = (z: Zod) =>
  z.object({ from: z.string(), to: z.string() });

export const freezeWindowSchema = (z: Zod) =>
  z
    .object({
      sourceType: z.string(),
      sourceInstance: z.string(),
      externalId: z.string(),
      name: z.string(),
      start: z.string(),
      end: z.string(),
      global: z.boolean(),
    })
    .passthrough();

export const statusCountsSchema = (z: Zod) => z.record(z.number());
