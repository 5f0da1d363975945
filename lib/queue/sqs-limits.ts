/**
 * SQS's hard limits that sundial's decisions rest on, in one place: the API's direct path, the sweeper, the queue
 * adapter, the configuration and the construct all read them from here.
 */

/**
 * The longest `DelaySeconds` SQS accepts (15 minutes): a job due later cannot be handed to SQS yet and waits in a time
 * bucket for the sweeper. Some emulators accept more; AWS rejects it.
 */
export const SQS_MAX_DELAY_SEC = 900;
