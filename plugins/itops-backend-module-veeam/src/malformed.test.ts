import { mockServices } from '@backstage/backend-test-utils';
import {
  jobStateProblem,
  restorePointProblem,
  sessionProblem,
  SkippedRecords,
  taskProblem,
} from './malformed';

const session = {
  id: 's1',
  name: 'Job',
  jobId: 'j1',
  sessionType: 'BackupJob',
  creationTime: '2026-11-25T12:00:00.52+01:00',
  endTime: '2026-11-25T12:10:00+01:00',
  state: 'Stopped',
  result: { result: 'Success' },
};
const state = {
  id: 'j1',
  name: 'Job',
  type: 'VSphereBackup',
  lastRun: '2026-11-25T12:00:00+01:00',
  nextRun: null,
  lastResult: 'Warning',
};

describe('unreadable records', () => {
  it('finds nothing wrong with readable records, open enums included', () => {
    expect(sessionProblem(session)).toBeUndefined();
    expect(sessionProblem({ ...session, sessionType: 'Job' })).toBeUndefined();
    expect(
      sessionProblem({ ...session, result: { result: 'None' } }),
    ).toBeUndefined();
    // A running session's result is not read.
    expect(
      sessionProblem({
        ...session,
        state: 'Working',
        endTime: null,
        result: { result: 'Unknown' },
      }),
    ).toBeUndefined();
    expect(jobStateProblem(state)).toBeUndefined();
    expect(
      jobStateProblem({ ...state, type: 'SomethingNew', status: 'starting' }),
    ).toBeUndefined();
    expect(
      restorePointProblem({
        id: 'p',
        name: 'vm',
        creationTime: '2026-11-25T12:00:00Z',
      }),
    ).toBeUndefined();
    expect(
      taskProblem({ id: 't', name: 'vm', result: { result: 'Failed' } }),
    ).toBeUndefined();
  });

  it.each([
    ['no id', { ...session, id: undefined }, 'id'],
    ['an empty id', { ...session, id: ' ' }, 'id'],
    ['no sessionType', { ...session, sessionType: undefined }, 'sessionType'],
    [
      'an unreadable creationTime',
      { ...session, creationTime: '25/11/2026' },
      'creationTime',
    ],
    ['an unreadable endTime', { ...session, endTime: 'soon' }, 'endTime'],
    [
      'an unknown result',
      { ...session, result: { result: 'Partial' } },
      'result.result',
    ],
  ])('names the field of a session with %s', (_, record, field) => {
    expect(sessionProblem(record as any)?.field).toBe(field);
  });

  it.each([
    ['no name', { ...state, name: '' }, 'name'],
    ['no type', { ...state, type: undefined }, 'type'],
    ['an unreadable lastRun', { ...state, lastRun: 'yesterday' }, 'lastRun'],
    ['an unknown lastResult', { ...state, lastResult: 'Meh' }, 'lastResult'],
  ])('names the field of a job state with %s', (_, record, field) => {
    expect(jobStateProblem(record as any)?.field).toBe(field);
  });

  it('names restore points and tasks that cannot be read', () => {
    expect(
      restorePointProblem({ id: 'p', name: 'vm', creationTime: 'x' })?.field,
    ).toBe('creationTime');
    expect(taskProblem({ id: 't', name: '' } as any)?.field).toBe('name');
    expect(
      taskProblem({ id: 't', name: 'vm', result: { result: 7 as any } })?.field,
    ).toBe('result.result');
  });

  it('warns about the first 20 of a run, naming record and field, then only counts', () => {
    const logger = mockServices.logger.mock();
    const skipped = new SkippedRecords('veeam/x', logger);
    for (let i = 0; i < 25; i++) {
      expect(
        skipped.check(
          'session',
          { ...session, id: `s${i}`, creationTime: 'x' },
          sessionProblem,
          s => s.id,
        ),
      ).toBe(false);
    }
    expect(skipped.check('session', session, sessionProblem, s => s.id)).toBe(
      true,
    );
    expect(skipped.count).toBe(25);
    expect(logger.warn).toHaveBeenCalledTimes(20);
    expect(logger.warn).toHaveBeenCalledWith(
      'Skipping Veeam session s0 of veeam/x: unreadable creationTime "x"',
    );
    skipped.logSummary();
    expect(logger.warn).toHaveBeenLastCalledWith(
      expect.stringMatching(/skipped 25 unreadable records in this run/),
    );
  });
});
