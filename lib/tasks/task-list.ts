/**
 * A task list: how the consumer handler and the test scheduler are told which tasks they run (graphile-worker's
 * `taskList`), instead of relying on which modules happened to be imported.
 */
import { ValidationError } from '../core/errors.ts';
import type { TaskDefinition } from './registry.ts';

/**
 * What `defineTask` returned, or whole task modules (`import * as tasks from './tasks.ts'`), whose exported tasks are
 * taken and other exports ignored.
 */
export type TaskList = readonly (TaskDefinition<any, any> | Readonly<Record<string, unknown>>)[];

/**
 * The task definitions in a task list, recognised by shape rather than `instanceof` (a module may come from another
 * copy of sundial). Throws a `ValidationError` when the list holds no task at all.
 */
export function tasksOf(list: TaskList): TaskDefinition[] {
  const found: TaskDefinition[] = [];
  for (const item of list) {
    if (isTaskDefinition(item)) found.push(item);
    else if (item && typeof item === 'object') found.push(...Object.values(item).filter(isTaskDefinition));
  }
  if (found.length === 0) {
    throw new ValidationError(
      '`tasks` holds no task; pass what defineTask returned, or task modules (`import * as tasks from "./tasks.ts"`).',
    );
  }
  return found;
}

function isTaskDefinition(value: unknown): value is TaskDefinition {
  const candidate = value as Partial<TaskDefinition> | null | undefined;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.name === 'string' &&
    typeof candidate.handler === 'function' &&
    typeof candidate.options === 'object'
  );
}
