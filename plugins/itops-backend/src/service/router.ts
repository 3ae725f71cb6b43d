import type { ItopsHealth } from '@backstage-itops/plugin-itops-common';
import type { ItopsSource } from '@backstage-itops/plugin-itops-node';
import express from 'express';
import Router from 'express-promise-router';
import type { ItopsDatabase } from '../database/ItopsDatabase';

export interface RouterOptions {
  database: ItopsDatabase;
  sources: readonly ItopsSource[];
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { database, sources } = options;
  const router = Router();
  router.use(express.json());

  router.get('/health', async (_req, res) => {
    const probe = await database.probe();
    const body: ItopsHealth = {
      status: probe.reachable ? 'ok' : 'degraded',
      database: probe,
      sources: sources.map(({ type, instance }) => ({ type, instance })),
    };
    // 503 lets load balancers and uptime checks act on a lost database.
    res.status(probe.reachable ? 200 : 503).json(body);
  });

  return router;
}
